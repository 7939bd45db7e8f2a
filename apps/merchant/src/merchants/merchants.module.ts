import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { merchantCommandsProvider } from './merchant-commands';
import { SalesLedgerProjection } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  controllers: [MerchantsController, SalesLedgerProjection],
  providers: [merchantCommandsProvider, SalesLedgerRepository],
})
export class MerchantsModule {}
