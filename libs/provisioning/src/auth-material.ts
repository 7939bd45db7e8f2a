import { DefaultPorts, ServiceName } from '@app/contracts';
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { newSigningKey, ownServiceKey } from '@app/platform';

/**
 * The installation's secrets, held by the provisioning alone: the private signing keys (newest
 * last) and the operator tokens (newest first). Services get public keys, their own credential
 * and, for Merchant, the merchant-key signing key.
 */
export interface AuthKeys {
  service: JWK[];
  merchant: JWK[];
  opsTokens: string[];
}

export const newOpsToken = (): string => randomBytes(24).toString('base64url');

/** The keys of an earlier run, or new ones. */
export async function ensureAuthKeys(previous?: AuthKeys, opsToken?: string): Promise<AuthKeys> {
  return {
    service: previous?.service.length ? previous.service : [(await newSigningKey('service')).privateJwk],
    merchant: previous?.merchant.length ? previous.merchant : [(await newSigningKey('merchant')).privateJwk],
    opsTokens: opsToken ? [opsToken] : previous?.opsTokens.length ? previous.opsTokens : [newOpsToken()],
  };
}

/**
 * Starts a rotation: new signing keys and a new operator token become current, while the previous
 * ones stay valid, so services and callers can move over without downtime.
 */
export async function rotateAuthKeys(keys: AuthKeys): Promise<AuthKeys> {
  return {
    service: [...keys.service, (await newSigningKey('service')).privateJwk],
    merchant: [...keys.merchant, (await newSigningKey('merchant')).privateJwk],
    opsTokens: [newOpsToken(), ...keys.opsTokens],
  };
}

/** Ends a rotation: only the newest keys and token stay valid. */
export function retireOldKeys(keys: AuthKeys): AuthKeys {
  return { service: keys.service.slice(-1), merchant: keys.merchant.slice(-1), opsTokens: keys.opsTokens.slice(0, 1) };
}

const publicOf = ({ d: _private, ...rest }: JWK): JWK => rest;

const ALL_SERVICES = Object.keys(DefaultPorts) as ServiceName[];

/**
 * Each service's auth settings: every valid public key (each service's own keys included) and
 * operator token, its own signing key (SERVICE_SIGNING_KEY, derived from the newest service key,
 * from which it mints and renews its expiring credentials), and Merchant's signing key.
 */
export async function authSettings(keys: AuthKeys, services: readonly ServiceName[]): Promise<Map<ServiceName, Record<string, string>>> {
  const ownKeys = keys.service.flatMap((serviceKey) => ALL_SERVICES.map((service) => ownServiceKey(serviceKey, service)));
  const publicKeys = JSON.stringify({ keys: [...keys.service, ...keys.merchant, ...ownKeys].map(publicOf) });
  const signer = keys.service[keys.service.length - 1];
  const settings = new Map<ServiceName, Record<string, string>>();
  for (const service of services) {
    settings.set(service, {
      OPS_TOKEN: keys.opsTokens.join(','),
      AUTH_PUBLIC_KEYS: publicKeys,
      SERVICE_SIGNING_KEY: JSON.stringify(ownServiceKey(signer, service)),
      ...(service === 'merchant' ? { MERCHANT_KEY_SIGNING_KEY: JSON.stringify(keys.merchant[keys.merchant.length - 1]) } : {}),
    });
  }
  return settings;
}
