/** Ops' own PostgreSQL schema (docs/architecture.md#data: one schema per service). */
export const OPS_SCHEMA = 'ops';
