import { PlatformModule, storeMigrations } from '@app/platform';
import { Module } from '@nestjs/common';
import { CheckoutsModule } from './checkouts/checkouts.module';
import { CheckoutUnfinished1764000000400 } from './migrations/1764000000400-checkout-unfinished';

@Module({
  imports: [
    PlatformModule.forService({ name: 'checkout', migrations: [...storeMigrations('checkout'), CheckoutUnfinished1764000000400] }),
    CheckoutsModule,
  ],
})
export class CheckoutModule {}
