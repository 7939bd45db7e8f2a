import type { JWK } from 'jose';
import { NamedOperator } from './operator-directory';
import { readSettings } from '@app/config';
import { serviceCredentialSettings, signWithOwnKey } from './service-credential';

/**
 * How long a credential Ops signs for an operator lives (seconds): long enough for one action's
 * calls, short enough that one caught in a log is soon worthless.
 */
export const OPERATOR_CREDENTIAL_TTL_SECONDS = 300;

/** The subject of an operator credential: `operator:<name>` (a plain OPERATOR_NAME). */
export const OPERATOR_SUBJECT = /^operator:([a-z0-9][a-z0-9._@-]{0,63})$/;

/**
 * A credential naming the operator Ops acts for, signed with Ops' own key (SERVICE_SIGNING_KEY,
 * `service.ops-…`): subject `operator:<name>`, the operator's `role`, and Ops as the party acting
 * (`act`, RFC 8693). Only Ops' own key may vouch for such a subject (CredentialVerifier), so a
 * service that verifies it knows Ops authenticated that operator: no header to trust.
 */
export function mintOperatorCredential(opsKey: JWK, operator: NamedOperator, lifetimeSeconds: number, nowMs = Date.now()): string {
  return signWithOwnKey(
    opsKey,
    { sub: `operator:${operator.name}`, role: operator.role, act: { sub: 'service:ops' } },
    lifetimeSeconds,
    nowMs,
  );
}

/**
 * Ops' credentials for the operators it acts for, one per operator and role, renewed at two thirds
 * of their lifetime (as ServiceCredential). Without SERVICE_SIGNING_KEY (an older provisioning)
 * there are none, and Ops calls with OPS_TOKEN: the bootstrap administrator.
 */
export class OperatorCredentials {
  private readonly minted = new Map<string, { token: string; renewAtMs: number }>();

  constructor(
    private readonly opsKey: JWK | undefined,
    private readonly lifetimeSeconds = OPERATOR_CREDENTIAL_TTL_SECONDS,
    private readonly clock: () => number = Date.now,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): OperatorCredentials {
    const own = readSettings(serviceCredentialSettings, env);
    return new OperatorCredentials(
      own.SERVICE_SIGNING_KEY ? (JSON.parse(own.SERVICE_SIGNING_KEY) as JWK) : undefined,
      Math.min(OPERATOR_CREDENTIAL_TTL_SECONDS, own.SERVICE_CREDENTIAL_TTL_SECONDS),
    );
  }

  /** The credential to send now on `operator`'s behalf, or undefined without a signing key. */
  of(operator: NamedOperator): string | undefined {
    if (!this.opsKey) return undefined;
    const now = this.clock();
    const key = `${operator.name}\n${operator.role}`;
    const known = this.minted.get(key);
    if (known && now < known.renewAtMs) return known.token;
    const token = mintOperatorCredential(this.opsKey, operator, this.lifetimeSeconds, now);
    this.minted.set(key, { token, renewAtMs: now + (this.lifetimeSeconds * 1000 * 2) / 3 });
    return token;
  }
}
