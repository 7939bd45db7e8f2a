/** Every program's configuration schema, in the order docs/configuration.md lists their variables. */
import { accountConfig } from '../apps/account/src/account.config';
import { checkoutConfig } from '../apps/checkout/src/checkout.config';
import { fraudConfig } from '../apps/fraud/src/fraud.config';
import { merchantConfig } from '../apps/merchant/src/merchant.config';
import { opsCliConfig } from '../apps/ops/src/cli/cli.settings';
import { opsConfig } from '../apps/ops/src/ops.config';
import { paymentProviderConfig } from '../apps/payment-provider/src/payment-provider.config';
import { provisionConfig } from '@app/provisioning';

export const SERVICE_SCHEMAS = [accountConfig, merchantConfig, checkoutConfig, fraudConfig, opsConfig, paymentProviderConfig];
export const TOOL_SCHEMAS = [opsCliConfig, provisionConfig];
export const EVERY_SERVICE = SERVICE_SCHEMAS.map((schema) => schema.service);
