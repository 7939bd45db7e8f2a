import { uuidV5 } from '@app/contracts';

// Both fixed forever: changing one would give every Idempotency-Key a new checkout.
const LEGACY_NAMESPACE = Buffer.from('6f1c9b1e2a7d4c0e9f3b5a8d7e6c4b21', 'hex');
const MERCHANT_NAMESPACE = Buffer.from('0d3e7f52c1a84b6d9e20f4a7b8c35d16', 'hex');

/**
 * The checkout id for a merchant's Idempotency-Key (a UUIDv5, RFC 9562): the same merchant and key always
 * name the same checkout stream, so concurrent duplicates meet on one stream instead of racing on two,
 * and two merchants' equal keys name two checkouts. The merchant id has a fixed length, so no pair of
 * (merchant, key) can spell another's input.
 */
export function checkoutIdFor(merchantId: string, idempotencyKey: string): string {
  return uuidV5(MERCHANT_NAMESPACE, `${merchantId.toLowerCase()}:${idempotencyKey}`);
}

/**
 * The id checkouts started before keys were scoped per merchant got: from the key alone. Nothing derives
 * it any more; those checkouts are found through the merchant's key in `merchant_checkouts` instead.
 */
export function legacyCheckoutIdFor(idempotencyKey: string): string {
  return uuidV5(LEGACY_NAMESPACE, idempotencyKey);
}
