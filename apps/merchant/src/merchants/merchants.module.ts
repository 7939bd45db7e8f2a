import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { MerchantsController } from './http/merchants.controller';
import { MerchantKeysModule } from './keys/merchant-keys.module';
import { merchantCommandsProvider } from './merchant-commands';
import { salesLedger } from './projections/sales-ledger.projection';
import { SalesLedgerRepository } from './projections/sales-ledger.repository';

@Module({
  imports: [MerchantKeysModule],
  controllers: [MerchantsController, projectionController(salesLedger)],
  providers: [merchantCommandsProvider, SalesLedgerRepository],
})
export class MerchantsModule {}
