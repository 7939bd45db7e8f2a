import { provideAggregate } from '@app/eventstore';
import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantKeysModule } from './keys/merchant-keys.module';
import { merchantAggregate } from './merchant.aggregate';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  imports: [MerchantKeysModule],
  // The sales ledger is fed by the webhooks' checkoutFeed, the one handler of merchant.checkout-events.
  controllers: [MerchantsController],
  providers: [provideAggregate(merchantAggregate), SalesLedgerRepository],
})
export class MerchantsModule {}
