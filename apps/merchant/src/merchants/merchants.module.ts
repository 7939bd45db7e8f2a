import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantApiKeys } from './merchant-api-keys';
import { merchantCommandsProvider } from './merchant-commands';
import { salesLedger } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  controllers: [MerchantsController, projectionController(salesLedger)],
  providers: [merchantCommandsProvider, SalesLedgerRepository, MerchantApiKeys],
})
export class MerchantsModule {}
