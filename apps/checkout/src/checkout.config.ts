import { defineServiceSchema } from '@app/config';
import { retrySettings, serviceUrlSettings } from '@app/contracts';
import { everyServiceSettings, keyStatusSettings, serviceCredentialSettings } from '@app/platform';
import { downstreamSettings } from './checkouts/downstream/downstream.options';
import { recoverySettings } from './checkouts/unfinished/recovery.options';

/** Every variable Checkout reads (no consumer of its own, but its broker topology names the retry tiers); validated at start, documented in docs/configuration.md. */
export const checkoutConfig = defineServiceSchema('checkout', [
  ...everyServiceSettings,
  retrySettings,
  serviceUrlSettings,
  serviceCredentialSettings,
  keyStatusSettings,
  downstreamSettings,
  recoverySettings,
]);
