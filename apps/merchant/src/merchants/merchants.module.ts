import { provideAggregate } from '@app/eventstore';
import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantApiKeys } from './merchant-api-keys';
import { merchantAggregate } from './merchant.aggregate';
import { salesLedger } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  controllers: [MerchantsController, projectionController(salesLedger)],
  providers: [provideAggregate(merchantAggregate), SalesLedgerRepository, MerchantApiKeys],
})
export class MerchantsModule {}
