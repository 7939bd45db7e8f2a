import { createHash } from 'node:crypto';
import { OPERATOR_ROLES, OperatorRole } from './operator-roles';

export interface NamedOperator {
  name: string;
  role: OperatorRole;
}

/**
 * Where a service that admits named operators (Ops) looks up a credential that is neither OPS_TOKEN
 * nor a signed service or merchant credential. A service without one admits no named operator.
 */
export abstract class OperatorDirectory {
  /** The operator holding `credential`, or undefined for an unknown or removed one. */
  abstract find(credential: string): Promise<NamedOperator | undefined>;
}

/** How an operator's credential is stored and looked up: its SHA-256 only, never the credential itself. */
export const operatorCredentialDigest = (credential: string): Buffer => createHash('sha256').update(credential).digest();

/**
 * The named operators Ops admits: who, with which role, and the SHA-256 of their credential. The
 * provisioning writes it (it holds the administrator's URL), Ops reads it on every request, so an
 * operator added or removed counts at once, without a restart.
 */
export const operatorsDdl = (schema: string): string[] => [
  `CREATE TABLE IF NOT EXISTS "${schema}".operators (
     name text PRIMARY KEY,
     role text NOT NULL CHECK (role IN (${OPERATOR_ROLES.map((role) => `'${role}'`).join(', ')})),
     credential_sha256 bytea NOT NULL UNIQUE,
     added_at timestamptz NOT NULL DEFAULT now()
   )`,
];
