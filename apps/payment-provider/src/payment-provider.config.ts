import { defineServiceSchema } from '@app/config';
import { everyServiceSettings } from '@app/platform';
import { providerSettings } from './payments/behaviour/provider.settings';

/** Every variable the simulator reads; validated at start, documented in docs/configuration.md. */
export const paymentProviderConfig = defineServiceSchema('payment-provider', [...everyServiceSettings, providerSettings]);
