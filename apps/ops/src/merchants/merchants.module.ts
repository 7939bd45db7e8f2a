import { operatorTokensOf, PlatformConfig } from '@app/platform';
import { Module } from '@nestjs/common';
import { OpsMerchantKeysController } from './http/ops-merchant-keys.controller';
import { MerchantKeysClient } from './merchant-keys.client';

/** Merchants' API keys, managed by admins through Merchant's own routes. */
@Module({
  controllers: [OpsMerchantKeysController],
  providers: [
    {
      provide: MerchantKeysClient,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) => new MerchantKeysClient(operatorTokensOf(config.opsToken)[0]),
    },
  ],
})
export class MerchantsModule {}
