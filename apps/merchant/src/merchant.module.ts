import { PlatformModule, storeMigrations } from '@app/platform';
import { Module } from '@nestjs/common';
import { MerchantsModule } from './merchants/merchants.module';
import { MerchantSalesLedger1764000000200 } from './migrations/1764000000200-merchant-sales-ledger';

@Module({
  imports: [
    PlatformModule.forService({ name: 'merchant', migrations: [...storeMigrations('merchant'), MerchantSalesLedger1764000000200] }),
    MerchantsModule,
  ],
})
export class MerchantModule {}
