import { ServiceName } from '@app/contracts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, JSONWebKeySet, JWK, jwtVerify, SignJWT } from 'jose';
import { BOOTSTRAP_OPERATOR } from './operator-roles';
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

export type SigningKeyKind = keyof typeof SUBJECTS & ('service' | 'merchant');

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

/** Verifies a bearer credential: the operator token, or a token signed by a key of AUTH_PUBLIC_KEYS. */
export class CredentialVerifier {
  private readonly keys?: ReturnType<typeof createLocalJWKSet>;
  private readonly kidKinds = new Map<string, string>();
  // A service sends the same credential on every call; checking its signature once saves an EdDSA
  // verification per request. The keys cannot change without a restart, so an entry never goes stale.
  private readonly verified = new Map<string, Principal>();
  private readonly operatorDigests: readonly Buffer[];

  constructor(operatorTokens: readonly string[], publicKeys?: JSONWebKeySet) {
    this.operatorDigests = operatorTokens.map(digest);
    if (publicKeys && publicKeys.keys.length > 0) {
      this.keys = createLocalJWKSet(publicKeys);
      for (const key of publicKeys.keys) if (key.kid) this.kidKinds.set(key.kid, key.kid.split('-')[0]);
    }
  }

  async verify(credential: string): Promise<Principal | undefined> {
    if (this.operatorDigests.length > 0 && matchesAnyDigest(credential, this.operatorDigests)) return BOOTSTRAP_ADMIN;
    if (!this.keys || credential.split('.').length !== 3) return undefined;
    const known = this.verified.get(credential);
    if (known) return known;
    const principal = await this.verifySigned(credential);
    if (principal) {
      if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
      this.verified.set(credential, principal);
    }
    return principal;
  }

  private async verifySigned(credential: string): Promise<Principal | undefined> {
    try {
      const { payload, protectedHeader } = await jwtVerify(credential, this.keys!, { issuer: CREDENTIAL_ISSUER, algorithms: [ALGORITHM] });
      const kind = this.kidKinds.get(protectedHeader.kid ?? '');
      const subject = payload.sub ?? '';
      if (!kind || !SUBJECTS[kind]?.test(subject)) return undefined;
      const [type, id] = subject.split(/:(.*)/s);
      return type === 'service' ? { kind: 'service', service: id as ServiceName } : { kind: 'merchant', merchantId: id };
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

/** A credential for `subject` (`service:<name>` or `merchant:<id>`), signed with `privateJwk`; it does not expire. */
export async function signCredential(privateJwk: JWK, subject: string): Promise<string> {
  const key = await importJWK(privateJwk, ALGORITHM);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid })
    .setIssuer(CREDENTIAL_ISSUER)
    .setSubject(subject)
    .setIssuedAt()
    .setJti(randomBytes(12).toString('hex'))
    .sign(key);
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
