import { createHash } from 'node:crypto';
import { OperatorRole } from './operator-roles';

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
