/** One purchase as the decider remembers it: enough to answer a retry and to refund it. */
export interface PurchaseRecord {
  transactionId: string;
  amount: number;
  /** The balance the purchase left: the answer a retry of the same transactionId gets again. */
  balanceAfter: number;
  /** The balance the refund left, once refunded. */
  refundedBalanceAfter?: number;
}

/**
 * Purchases by transactionId, in 256 buckets chosen by a hash of the id. Recording a purchase
 * copies the bucket index and one small bucket instead of the whole history, so `evolve` stays
 * pure and a command on a 50,000-event stream costs about what it costs on a new one. Buckets are
 * arrays, not objects keyed by id: copying an array is cheap, copying a large object is not, and
 * no id (`__proto__`, `constructor`) can collide with a property of Object.prototype. Plain JSON,
 * so a snapshot stores it as it is (an empty bucket may come back as null).
 */
export type PurchaseLedger = ReadonlyArray<ReadonlyArray<PurchaseRecord> | null | undefined>;

const BUCKETS = 256;

export const emptyLedger = (): PurchaseLedger => [];

/** FNV-1a: cheap, stable across processes and versions, and spreads transaction ids evenly. */
function bucketOf(transactionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < transactionId.length; i++) {
    hash ^= transactionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

export function findPurchase(ledger: PurchaseLedger, transactionId: string): PurchaseRecord | undefined {
  return ledger[bucketOf(transactionId)]?.find((record) => record.transactionId === transactionId);
}

/** The ledger with `record` added, or replacing the record of the same transactionId. */
export function recordPurchase(ledger: PurchaseLedger, record: PurchaseRecord): PurchaseLedger {
  const index = bucketOf(record.transactionId);
  const bucket = ledger[index]?.slice() ?? [];
  const existing = bucket.findIndex((entry) => entry.transactionId === record.transactionId);
  if (existing >= 0) bucket[existing] = record;
  else bucket.push(record);
  const next = ledger.slice();
  next[index] = bucket;
  return next;
}
