/** Ops' own PostgreSQL schema (DESIGN.md, "one schema per service"). */
export const OPS_SCHEMA = 'ops';
