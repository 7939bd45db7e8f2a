import { defineServiceSchema, defineSettings } from '@app/config';
import { opsTokenSetting, serviceUrlSettings } from '@app/contracts';

/** `npm run ops`: where Ops is and who you are. */
export const cliSettings = defineSettings('ops CLI', { OPS_URL: serviceUrlSettings.settings.OPS_URL, OPS_TOKEN: opsTokenSetting });

export const opsCliConfig = defineServiceSchema('`npm run ops`', [cliSettings]);
