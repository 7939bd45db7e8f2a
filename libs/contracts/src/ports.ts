import { defineSettings, readSettings, text, url } from '@app/config';

/** Default HTTP ports of the contract (docs/architecture.md#ports-and-routes); each service can be moved with `PORT`. */
export const DefaultPorts = {
  account: 3001,
  merchant: 3002,
  checkout: 3003,
  fraud: 3004,
  ops: 3005,
  'payment-provider': 3006,
} as const;

export type ServiceName = keyof typeof DefaultPorts;

/** The environment variable holding a service's base URL, e.g. `ACCOUNT_URL`. */
export const serviceUrlVariable = (service: ServiceName): string => `${service.toUpperCase().replace(/-/g, '_')}_URL`;

const whereIs = (service: ServiceName) =>
  url(`where ${service} is, for a service (or the CLI) calling it`, {
    protocols: ['http', 'https'],
    shownDefault: `\`http://127.0.0.1:${DefaultPorts[service]}\``,
  });

/** ACCOUNT_URL … PAYMENT_PROVIDER_URL: where a caller finds each service. */
export const serviceUrlSettings = defineSettings('service URLs', {
  ACCOUNT_URL: whereIs('account'),
  MERCHANT_URL: whereIs('merchant'),
  CHECKOUT_URL: whereIs('checkout'),
  FRAUD_URL: whereIs('fraud'),
  OPS_URL: whereIs('ops'),
  PAYMENT_PROVIDER_URL: whereIs('payment-provider'),
});

/** Where to reach another service: `<SERVICE>_URL`, or its default port on this machine. */
export const serviceUrl = (service: ServiceName, env: NodeJS.ProcessEnv = process.env): string =>
  readSettings(serviceUrlSettings, env)[serviceUrlVariable(service) as keyof typeof serviceUrlSettings.settings] ??
  `http://127.0.0.1:${DefaultPorts[service]}`;

/** OPS_TOKEN: the operator's bearer token(s), held by every service and the CLI alike (one declaration for both). */
export const opsTokenSetting = text('the operator’s bearer token(s), comma-separated, newest first; the CLI’s credential', {
  secret: true,
  shownDefault: 'written by `npm run provision`',
});
