import { createHash } from 'node:crypto';

// Fixed forever: changing it would give every Idempotency-Key a new checkout.
const CHECKOUT_NAMESPACE = Buffer.from('6f1c9b1e2a7d4c0e9f3b5a8d7e6c4b21', 'hex');

/**
 * The checkout id for an Idempotency-Key (a UUIDv5, RFC 9562): the same key always names the same
 * checkout stream, so concurrent duplicates meet on one stream instead of racing on two.
 */
export function checkoutIdFor(idempotencyKey: string): string {
  const hash = createHash('sha1').update(CHECKOUT_NAMESPACE).update(idempotencyKey, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
