import { defineSettings, integer, json, readSettings } from '@app/config';
import { ServiceName } from '@app/contracts';
import { createPrivateKey, hkdfSync, JsonWebKeyInput, KeyObject, randomBytes, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { platformSettings } from '../config/platform-config';

/** The issuer every platform credential names (also CREDENTIAL_ISSUER in credentials.ts). */
const ISSUER = 'checkout-platform';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** How long a service's own credential lives unless SERVICE_CREDENTIAL_TTL_SECONDS says otherwise. */
export const DEFAULT_SERVICE_CREDENTIAL_TTL_SECONDS = 3_600;

/** A caller's own credential: the key it mints it from, and how long each one lives (SERVICE_TOKEN is a platform setting). */
export const serviceCredentialSettings = defineSettings('service credential', {
  SERVICE_SIGNING_KEY: json(
    'its own signing key (a private JWK): it mints its service credentials from it, renewed at 2/3 of their lifetime',
    {
      secret: true,
      shownDefault: 'written by `npm run provision`',
      check: (key) => typeof key === 'object' && key !== null && 'd' in key,
    },
  ),
  SERVICE_CREDENTIAL_TTL_SECONDS: integer('how long a self-minted service credential is valid; a verifier refuses it after that', {
    default: DEFAULT_SERVICE_CREDENTIAL_TTL_SECONDS,
    min: 2,
    max: 86_400,
  }),
});

export const serviceCredentialTtlSeconds = (env: NodeJS.ProcessEnv = process.env): number =>
  readSettings(serviceCredentialSettings, env).SERVICE_CREDENTIAL_TTL_SECONDS;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A credential for `service:<name>` signed with the service's own key, valid `lifetimeSeconds`
 * from `nowMs`. Signed synchronously (node:crypto's Ed25519), so a caller can renew it in the
 * middle of building a request.
 */
export function mintServiceCredential(ownKey: JWK, service: ServiceName, lifetimeSeconds: number, nowMs = Date.now()): string {
  return signWithOwnKey(ownKey, { sub: `service:${service}` }, lifetimeSeconds, nowMs);
}

/**
 * A JWT of `claims` (plus issuer, times and a random id) signed with a service's own key, valid
 * `lifetimeSeconds` from `nowMs`; synchronous (node:crypto's Ed25519).
 */
export function signWithOwnKey(ownKey: JWK, claims: Record<string, unknown>, lifetimeSeconds: number, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const header = base64url({ alg: 'EdDSA', kid: ownKey.kid });
  const payload = base64url({
    iss: ISSUER,
    ...claims,
    iat,
    exp: iat + lifetimeSeconds,
    jti: randomBytes(12).toString('hex'),
  });
  const key = createPrivateKey({ key: ownKey, format: 'jwk' } as JsonWebKeyInput);
  return `${header}.${payload}.${sign(null, Buffer.from(`${header}.${payload}`), key).toString('base64url')}`;
}

/**
 * A service's own signing key, derived (HKDF) from a provisioning service key: the provisioning
 * can hand it to that service alone, publish its public half, and rotate it with the service key,
 * without storing anything more. Its id `service.<name>-<parent's suffix>` lets it vouch for that
 * service only.
 */
export function ownServiceKey(serviceKey: JWK, service: ServiceName): JWK {
  const seed = Buffer.from(hkdfSync('sha256', Buffer.from(serviceKey.d!, 'base64url'), Buffer.alloc(0), `service:${service}`, 32));
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const suffix = (serviceKey.kid ?? '').slice((serviceKey.kid ?? '').lastIndexOf('-') + 1);
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: `service.${service}-${suffix}`, alg: 'EdDSA', use: 'sig' };
}

/**
 * This service's credential for calling the others, renewed before it expires without a restart:
 * minted from SERVICE_SIGNING_KEY on first use, and again on the first use after two thirds of
 * its lifetime, so one in flight always has a third of its lifetime left. Without a signing key,
 * the fixed SERVICE_TOKEN of an older provisioning.
 */
export class ServiceCredential {
  private token?: string;
  private renewAtMs = 0;

  constructor(
    private readonly service: ServiceName,
    private readonly ownKey: JWK | undefined,
    private readonly fixedToken: string | undefined,
    private readonly lifetimeSeconds: number,
    private readonly clock: () => number = Date.now,
  ) {}

  static fromEnv(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceCredential {
    const own = readSettings(serviceCredentialSettings, env);
    // SERVICE_TOKEN is a platform setting (every service may hold one); here it is the fallback only.
    const fixed = readSettings(platformSettings, env).SERVICE_TOKEN;
    return new ServiceCredential(
      service,
      own.SERVICE_SIGNING_KEY ? (JSON.parse(own.SERVICE_SIGNING_KEY) as JWK) : undefined,
      fixed,
      own.SERVICE_CREDENTIAL_TTL_SECONDS,
    );
  }

  /** The credential to send now. */
  current(): string | undefined {
    if (!this.ownKey) return this.fixedToken;
    const now = this.clock();
    if (!this.token || now >= this.renewAtMs) {
      this.token = mintServiceCredential(this.ownKey, this.service, this.lifetimeSeconds, now);
      this.renewAtMs = now + (this.lifetimeSeconds * 1000 * 2) / 3;
    }
    return this.token;
  }
}
