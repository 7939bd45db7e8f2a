import { defineServiceSchema } from '@app/config';
import { consumerServiceSettings, everyServiceSettings } from '@app/platform';
import { accountSettings } from './accounts/account.aggregate';

/** Every variable Account reads; validated at start, documented in docs/configuration.md. */
export const accountConfig = defineServiceSchema('account', [...everyServiceSettings, ...consumerServiceSettings, accountSettings]);
