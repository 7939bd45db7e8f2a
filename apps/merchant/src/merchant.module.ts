import { eventStoreMigrations } from '@app/eventstore';
import { PlatformModule } from '@app/platform';
import { Module } from '@nestjs/common';
import { MerchantsModule } from './merchants/merchants.module';
import { MerchantSalesLedger1764000000200 } from './migrations/1764000000200-merchant-sales-ledger';

@Module({
  imports: [
    PlatformModule.forService({ name: 'merchant', migrations: [...eventStoreMigrations('merchant'), MerchantSalesLedger1764000000200] }),
    MerchantsModule,
  ],
})
export class MerchantModule {}
