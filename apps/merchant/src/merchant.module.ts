import { PlatformModule } from '@app/platform';
import { RelayModule, storeMigrations } from '@app/relay';
import { Module } from '@nestjs/common';
import { MerchantsModule } from './merchants/merchants.module';
import { MerchantSalesLedger1764000000200 } from './migrations/1764000000200-merchant-sales-ledger';
import { MerchantApiKeys1764000000600 } from './migrations/1764000000600-merchant-api-keys';
import { MerchantKeyLifecycle1764000000700 } from './migrations/1764000000700-merchant-key-lifecycle';
import { MerchantWebhooks1764000000800 } from './migrations/1764000000800-merchant-webhooks';
import { FailedWebhookDeliveries1764000000810 } from './migrations/1764000000810-failed-webhook-deliveries';
import { WebhookDeliveryTrace1764000000820 } from './migrations/1764000000820-webhook-delivery-trace';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    PlatformModule.forService({
      name: 'merchant',
      migrations: [
        ...storeMigrations('merchant'),
        MerchantSalesLedger1764000000200,
        MerchantApiKeys1764000000600,
        MerchantKeyLifecycle1764000000700,
        MerchantWebhooks1764000000800,
        FailedWebhookDeliveries1764000000810,
        WebhookDeliveryTrace1764000000820,
      ],
    }),
    RelayModule,
    MerchantsModule,
    WebhooksModule,
  ],
})
export class MerchantModule {}
