import { PlatformModule } from '@app/platform';
import { RelayModule, storeMigrations } from '@app/relay';
import { Module } from '@nestjs/common';
import { CheckoutsModule } from './checkouts/checkouts.module';
import { MerchantLimitsModule } from './limits/merchant-limits.module';
import { CheckoutUnfinished1764000000400 } from './migrations/1764000000400-checkout-unfinished';
import { CheckoutUnfinishedFollowsEvents1764000000410 } from './migrations/1764000000410-checkout-unfinished-follows-events';
import { CheckoutLease1764000000500 } from './migrations/1764000000500-checkout-lease';
import { CheckoutMerchantView1764000000600 } from './migrations/1764000000600-checkout-merchant-view';
import { CheckoutRequestCounts1764000000700 } from './migrations/1764000000700-checkout-request-counts';

@Module({
  imports: [
    PlatformModule.forService({
      name: 'checkout',
      migrations: [
        ...storeMigrations('checkout'),
        CheckoutUnfinished1764000000400,
        CheckoutUnfinishedFollowsEvents1764000000410,
        CheckoutLease1764000000500,
        CheckoutMerchantView1764000000600,
        CheckoutRequestCounts1764000000700,
      ],
    }),
    RelayModule,
    CheckoutsModule,
    MerchantLimitsModule,
  ],
})
export class CheckoutModule {}
