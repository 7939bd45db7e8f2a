/** Default HTTP ports of DESIGN.md; each service can be moved with `PORT`. */
export const DefaultPorts = {
  account: 3001,
  merchant: 3002,
  checkout: 3003,
  fraud: 3004,
  ops: 3005,
  'payment-provider': 3006,
} as const;

export type ServiceName = keyof typeof DefaultPorts;
