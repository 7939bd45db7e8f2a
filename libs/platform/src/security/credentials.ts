import { ServiceName } from '@app/contracts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, JSONWebKeySet, JWK, jwtVerify, SignJWT } from 'jose';
import { legacyMerchantKeyId, parseMerchantKey } from './merchant-key-format';
import { MerchantKeyStatus } from './merchant-key-status';
import { OPERATOR_SUBJECT } from './operator-credential';
import { BOOTSTRAP_OPERATOR, isOperatorRole } from './operator-roles';
import { Principal } from './principal';

/** The issuer every platform credential names; a token from anywhere else is not ours. */
export const CREDENTIAL_ISSUER = 'checkout-platform';
const ALGORITHM = 'EdDSA';
const MAX_REMEMBERED = 10_000;

/**
 * Which subjects a key may vouch for, by its id's prefix: a service key (held only by the
 * provisioning) signs service credentials, a merchant key (held only by Merchant) signs merchant
 * API keys. Without this, Merchant could mint itself a service credential.
 */
const SUBJECTS: Record<string, RegExp> = {
  service: /^service:(account|merchant|checkout|fraud|ops|payment-provider)$/,
  merchant: /^merchant:[0-9a-f-]{36}$/,
};

/**
 * A service's own key (`service.<name>-<hex>`, held by that service alone) vouches for that
 * service only: it lets the service mint its own short-lived credentials without being able to
 * pose as another.
 */
const OWN_SERVICE_KEY = /^service\.(account|merchant|checkout|fraud|ops|payment-provider)$/;

export type SigningKeyKind = 'service' | 'merchant' | `service.${ServiceName}`;

/** The kind of a key id: everything before its last `-` (`service`, `merchant`, `service.payment-provider`). */
const kindOfKid = (kid: string): string => kid.slice(0, Math.max(0, kid.lastIndexOf('-')));

/**
 * Ops' own key also vouches for the named operators Ops authenticated and acts for
 * (`operator:<name>`, OperatorCredentials); no other key may name an operator.
 */
const vouchesFor = (kind: string, subject: string): boolean => {
  const own = OWN_SERVICE_KEY.exec(kind);
  if (own?.[1] === 'ops' && OPERATOR_SUBJECT.test(subject)) return true;
  return own ? subject === `service:${own[1]}` : (SUBJECTS[kind]?.test(subject) ?? false);
};

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `given` equals one of `expected`, compared in constant time whatever the lengths. */
export function matchesAnySecret(given: string, expected: readonly string[]): boolean {
  return matchesAnyDigest(given, expected.map(digest));
}

/** As matchesAnySecret, against secrets digested beforehand (once, rather than on every request). */
function matchesAnyDigest(given: string, expectedDigests: readonly Buffer[]): boolean {
  const mine = digest(given);
  let found = false;
  for (const secret of expectedDigests) found = timingSafeEqual(mine, secret) || found;
  return found;
}

/** Whoever holds OPS_TOKEN: the installation's first administrator, until the token is retired. */
export const BOOTSTRAP_ADMIN: Principal = { kind: 'operator', name: BOOTSTRAP_OPERATOR, role: 'admin' };

/** OPS_TOKEN holds one operator token, or during a rotation several separated by commas. */
export const operatorTokensOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0);

/**
 * Verifies a bearer credential: the operator token, or a token signed by a key of AUTH_PUBLIC_KEYS
 * (a service credential, a credential Ops signed for the operator it acts for, or a merchant API
 * key `mk_<id>_<token>`). A merchant key must also be
 * admitted by MerchantKeyStatus (not revoked, rolled past its end, or of a suspended merchant).
 */
export class CredentialVerifier {
  private readonly keys?: ReturnType<typeof createLocalJWKSet>;
  private readonly kidKinds = new Map<string, string>();
  // A service sends the same credential on every call; checking its signature once saves an EdDSA
  // verification per request. An entry lives no longer than its credential's `exp`.
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly operatorDigests: readonly Buffer[];

  constructor(
    operatorTokens: readonly string[],
    publicKeys?: JSONWebKeySet,
    private readonly keyStatus = new MerchantKeyStatus(),
  ) {
    this.operatorDigests = operatorTokens.map(digest);
    if (publicKeys && publicKeys.keys.length > 0) {
      this.keys = createLocalJWKSet(publicKeys);
      for (const key of publicKeys.keys) if (key.kid) this.kidKinds.set(key.kid, kindOfKid(key.kid));
    }
  }

  async verify(credential: string, now = Date.now()): Promise<Principal | undefined> {
    if (this.operatorDigests.length > 0 && matchesAnyDigest(credential, this.operatorDigests)) return BOOTSTRAP_ADMIN;
    const principal = await this.verifyRemembered(credential, now);
    if (principal?.kind === 'merchant' && !this.keyStatus.admits(principal.merchantId, principal.keyId, now)) return undefined;
    return principal;
  }

  private async verifyRemembered(credential: string, now: number): Promise<Principal | undefined> {
    const formatted = parseMerchantKey(credential);
    const token = formatted?.token ?? credential;
    if (!this.keys || token.split('.').length !== 3) return undefined;
    const known = this.verified.get(credential);
    if (known && now < known.expiresAt) return known.principal;
    if (known) this.verified.delete(credential);
    const verified = await this.verifySigned(token, formatted?.keyId, now);
    if (verified) {
      if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
      this.verified.set(credential, verified);
    }
    return verified?.principal;
  }

  private async verifySigned(
    token: string,
    keyId: string | undefined,
    now: number,
  ): Promise<{ principal: Principal; expiresAt: number } | undefined> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keys!, {
        issuer: CREDENTIAL_ISSUER,
        algorithms: [ALGORITHM],
        currentDate: new Date(now),
      });
      const kind = this.kidKinds.get(protectedHeader.kid ?? '');
      const subject = payload.sub ?? '';
      if (!kind || !vouchesFor(kind, subject)) return undefined;
      const expiresAt = payload.exp === undefined ? Infinity : payload.exp * 1000;
      const [type, id] = subject.split(/:(.*)/s);
      if (type === 'service') return keyId ? undefined : { principal: { kind: 'service', service: id as ServiceName }, expiresAt };
      if (type === 'operator') {
        // Only ever short-lived, and only with a role Ops checked.
        if (keyId !== undefined || payload.exp === undefined || !isOperatorRole(payload.role)) return undefined;
        return { principal: { kind: 'operator', name: id, role: payload.role }, expiresAt };
      }
      // A formatted key's id is the one its signed token names; a bare token is a key from before ids.
      if (keyId !== undefined && payload.jti !== keyId) return undefined;
      return { principal: { kind: 'merchant', merchantId: id, keyId: keyId ?? legacyMerchantKeyId(token) }, expiresAt };
    } catch {
      return undefined;
    }
  }
}

/** A new signing key pair; the private half stays with whoever signs, the public half goes to every service. */
export async function newSigningKey(kind: SigningKeyKind): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
  const kid = `${kind}-${randomBytes(6).toString('hex')}`;
  const meta = { kid, alg: ALGORITHM, use: 'sig' };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

export interface CredentialOptions {
  /** Its id (`jti`); random unless given (a merchant key's id). */
  id?: string;
  /** Seconds it is valid for; without, it does not expire. */
  lifetimeSeconds?: number;
}

/** A credential for `subject` (`service:<name>` or `merchant:<id>`), signed with `privateJwk`. */
export async function signCredential(privateJwk: JWK, subject: string, options: CredentialOptions = {}): Promise<string> {
  const key = await importJWK(privateJwk, ALGORITHM);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid })
    .setIssuer(CREDENTIAL_ISSUER)
    .setSubject(subject)
    .setIssuedAt()
    .setJti(options.id ?? randomBytes(12).toString('hex'));
  if (options.lifetimeSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + options.lifetimeSeconds);
  return jwt.sign(key);
}

/** Parses AUTH_PUBLIC_KEYS (a JWK set as JSON); undefined when unset. */
export function parsePublicKeys(value: string | undefined): JSONWebKeySet | undefined {
  if (!value) return undefined;
  let parsed: JSONWebKeySet | undefined;
  try {
    parsed = JSON.parse(value) as JSONWebKeySet;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed?.keys)) throw new Error('AUTH_PUBLIC_KEYS must be a JSON Web Key Set ({"keys": [...]})');
  return parsed;
}
