import { defineServiceSchema } from '@app/config';
import { serviceUrlSettings } from '@app/contracts';
import { everyServiceSettings, keyStatusSettings, serviceCredentialSettings } from '@app/platform';
import { downstreamSettings } from './checkouts/downstream/downstream.options';
import { recoverySettings } from './checkouts/unfinished/recovery.options';

/** Every variable Checkout reads (it consumes no queue); validated at start, documented in docs/configuration.md. */
export const checkoutConfig = defineServiceSchema('checkout', [
  ...everyServiceSettings,
  serviceUrlSettings,
  serviceCredentialSettings,
  keyStatusSettings,
  downstreamSettings,
  recoverySettings,
]);
