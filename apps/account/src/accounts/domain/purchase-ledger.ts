/** One purchase as the decider remembers it: enough to answer a retry and to refund it. */
export interface PurchaseRecord {
  transactionId: string;
  amount: number;
  /**
   * The balance the purchase left: the answer a retry of the same transactionId gets again.
   * Unknown for a purchase older than the ledger that entered it through its refund.
   */
  balanceAfter?: number;
  /** The balance the refund left, once refunded. */
  refundedBalanceAfter?: number;
}

/**
 * The account's most recent purchases, newest last, at most RECENT_PURCHASES of them: the state
 * (and so every cached state and snapshot) stays the same size however long the stream gets.
 * Older purchases are not forgotten: they stay in the event table, where a unique index keeps a
 * transactionId from being charged twice, and the command brings the stored record along
 * (`PurchaseItem.data.recorded`, `RefundPurchase.data.recorded`) when it is needed.
 */
export type PurchaseLedger = ReadonlyArray<PurchaseRecord>;

/** Enough to cover every purchase a batch of concurrent commands can race over. */
export const RECENT_PURCHASES = 50;

export const emptyLedger = (): PurchaseLedger => [];

export function findPurchase(ledger: PurchaseLedger, transactionId: string): PurchaseRecord | undefined {
  for (let i = ledger.length - 1; i >= 0; i--) if (ledger[i].transactionId === transactionId) return ledger[i];
  return undefined;
}

/** The ledger with `record` as its newest entry (replacing one of the same transactionId), trimmed to RECENT_PURCHASES. */
export function recordPurchase(ledger: PurchaseLedger, record: PurchaseRecord): PurchaseLedger {
  const others = ledger.filter((entry) => entry.transactionId !== record.transactionId);
  return [...others.slice(Math.max(0, others.length - RECENT_PURCHASES + 1)), record];
}

/** A ledger read from a snapshot, including the older shape (256 hash buckets of records, some null). */
export function ledgerFromSnapshot(json: unknown): PurchaseLedger {
  if (!Array.isArray(json)) return emptyLedger();
  const records = json.flatMap((entry: unknown) => (Array.isArray(entry) ? entry : entry ? [entry] : [])) as PurchaseRecord[];
  return records.slice(-RECENT_PURCHASES);
}
