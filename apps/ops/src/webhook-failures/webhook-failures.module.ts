import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { Module } from '@nestjs/common';
import { WebhookFailuresController } from './http/webhook-failures.controller';
import { MerchantWebhooksClient } from './merchant-webhooks.client';

/** Failed merchant webhook deliveries in Ops: listed and replayed through Merchant's operator routes. */
@Module({
  controllers: [WebhookFailuresController],
  providers: [
    {
      provide: MerchantWebhooksClient,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) => new MerchantWebhooksClient(operatorTokensOf(config.opsToken)[0]),
    },
  ],
})
export class WebhookFailuresModule {}
