import { createHash, randomBytes } from 'node:crypto';

/** What every merchant API key starts with, so a leaked one is recognisable (secret scanners, logs, support). */
export const MERCHANT_KEY_PREFIX = 'mk_';

const KEY_ID = /^[0-9a-f]{16}$/;
const FORMATTED = /^mk_([0-9a-f]{16})_([\w-]+\.[\w-]+\.[\w-]+)$/;

/** A new key id: 16 hex digits, public (listed, logged), never enough to call with. */
export const newMerchantKeyId = (): string => randomBytes(8).toString('hex');

export const isMerchantKeyId = (value: string): boolean => KEY_ID.test(value);

/** The visible head of a key: its prefix and id, all that a listing shows. */
export const merchantKeyPrefix = (keyId: string): string => `${MERCHANT_KEY_PREFIX}${keyId}`;

/** The key a merchant holds: `mk_<id>_<signed token>`; the token names the same id (its `jti`). */
export const formatMerchantKey = (keyId: string, token: string): string => `${merchantKeyPrefix(keyId)}_${token}`;

/** The id and signed token of a formatted key, or undefined for anything else. */
export function parseMerchantKey(value: string): { keyId: string; token: string } | undefined {
  const match = FORMATTED.exec(value);
  return match ? { keyId: match[1], token: match[2] } : undefined;
}

/**
 * The id of a key issued before keys had one (a bare signed token): the first 16 hex digits of its
 * SHA-256, which Merchant already stored, so old keys can be listed and revoked like new ones.
 */
export const legacyMerchantKeyId = (token: string): string => createHash('sha256').update(token).digest('hex').slice(0, 16);
