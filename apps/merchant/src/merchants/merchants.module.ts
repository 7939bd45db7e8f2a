import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantApiKeys } from './merchant-api-keys';
import { merchantCommandsProvider } from './merchant-commands';
import { SalesLedgerProjection } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  controllers: [MerchantsController, SalesLedgerProjection],
  providers: [merchantCommandsProvider, SalesLedgerRepository, MerchantApiKeys],
})
export class MerchantsModule {}
