import { defineServiceSchema } from '@app/config';
import { serviceUrlSettings } from '@app/contracts';
import { consumerServiceSettings, everyServiceSettings, serviceCredentialSettings } from '@app/platform';
import { retentionSettings } from './retention/retention-settings';

/** Every variable Ops reads; validated at start, documented in docs/configuration.md. */
export const opsConfig = defineServiceSchema('ops', [
  ...everyServiceSettings,
  ...consumerServiceSettings,
  serviceUrlSettings,
  serviceCredentialSettings,
  retentionSettings,
]);
