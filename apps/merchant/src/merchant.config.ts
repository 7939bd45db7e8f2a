import { defineServiceSchema } from '@app/config';
import { consumerServiceSettings, everyServiceSettings, keyStatusSettings } from '@app/platform';
import { merchantKeySettings } from './merchants/keys/merchant-api-keys';
import { webhookSettings } from './webhooks/webhooks.config';

/** Every variable Merchant reads; validated at start, documented in docs/configuration.md. */
export const merchantConfig = defineServiceSchema('merchant', [
  ...everyServiceSettings,
  ...consumerServiceSettings,
  keyStatusSettings,
  merchantKeySettings,
  webhookSettings,
]);
