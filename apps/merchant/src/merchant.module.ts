import { PlatformModule } from '@app/platform';
import { RelayModule, storeMigrations } from '@app/relay';
import { Module } from '@nestjs/common';
import { MerchantsModule } from './merchants/merchants.module';
import { MerchantSalesLedger1764000000200 } from './migrations/1764000000200-merchant-sales-ledger';
import { MerchantApiKeys1764000000600 } from './migrations/1764000000600-merchant-api-keys';

@Module({
  imports: [
    PlatformModule.forService({
      name: 'merchant',
      migrations: [...storeMigrations('merchant'), MerchantSalesLedger1764000000200, MerchantApiKeys1764000000600],
    }),
    RelayModule,
    MerchantsModule,
  ],
})
export class MerchantModule {}
