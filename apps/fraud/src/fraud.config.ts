import { defineServiceSchema } from '@app/config';
import { consumerServiceSettings, everyServiceSettings } from '@app/platform';
import { riskPolicySettings } from './assessments/risk-policy.config';

/** Every variable Fraud reads; validated at start, documented in docs/configuration.md. */
export const fraudConfig = defineServiceSchema('fraud', [...everyServiceSettings, ...consumerServiceSettings, riskPolicySettings]);
