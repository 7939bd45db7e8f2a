import { provideAggregate } from '@app/eventstore';
import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantKeysModule } from './keys/merchant-keys.module';
import { merchantAggregate } from './merchant.aggregate';
import { salesLedger } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  imports: [MerchantKeysModule],
  controllers: [MerchantsController, projectionController(salesLedger)],
  providers: [provideAggregate(merchantAggregate), SalesLedgerRepository],
})
export class MerchantsModule {}
