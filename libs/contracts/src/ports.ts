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

/** Where to reach another service: `<SERVICE>_URL`, or its default port on this machine. */
export const serviceUrl = (service: ServiceName, env: NodeJS.ProcessEnv = process.env): string =>
  env[serviceUrlVariable(service)] ?? `http://127.0.0.1:${DefaultPorts[service]}`;
