/** What Merchant says about keys and merchants that may no longer call (see MerchantKeyStatus). */
export interface MerchantKeyStatusSnapshot {
  /** Keys revoked or rolled: refused from `notAfter` (ISO) on; a rolled key's time may lie ahead. */
  endingKeys: { keyId: string; notAfter: string }[];
  /** Merchants suspended now: every key of theirs is refused. */
  suspendedMerchants: string[];
  /** Request limits an operator set for a merchant; others have the default. */
  limits: { merchantId: string; requests: number; windowSeconds: number }[];
}

/**
 * The verifier's local copy of which merchant keys may still call: refreshed from Merchant every
 * KEY_STATUS_POLL_MS (MerchantKeyStatusPoller), so a revocation or suspension reaches every
 * instance within one poll and one answer, while a request costs two map lookups and no call.
 * Until the first copy arrives, merchant keys are refused: a new instance must not let a revoked
 * key through because it has not heard of the revocation yet.
 */
export class MerchantKeyStatus {
  private ending = new Map<string, number>();
  private suspended = new Set<string>();
  private limitsByMerchant = new Map<string, { requests: number; windowSeconds: number }>();
  private loadedAt?: number;
  private readonly lastUsed = new Map<string, number>();

  /** Whether a source keeps this copy; when none does (a service no merchant may call), nothing is checked. */
  enforced = false;

  apply(snapshot: MerchantKeyStatusSnapshot, now = Date.now()): void {
    this.ending = new Map(snapshot.endingKeys.map((key) => [key.keyId, Date.parse(key.notAfter)]));
    this.suspended = new Set(snapshot.suspendedMerchants);
    this.limitsByMerchant = new Map(snapshot.limits.map(({ merchantId, ...limit }) => [merchantId, limit]));
    this.loadedAt = now;
  }

  /** Whether the key may call now; records its use for Merchant's "last used". */
  admits(merchantId: string, keyId: string, now = Date.now()): boolean {
    if (!this.enforced) return true;
    if (this.loadedAt === undefined || this.suspended.has(merchantId)) return false;
    const notAfter = this.ending.get(keyId);
    if (notAfter !== undefined && now >= notAfter) return false;
    this.lastUsed.set(keyId, now);
    return true;
  }

  /** The limit an operator set for the merchant, if any. */
  limitOf(merchantId: string): { requests: number; windowSeconds: number } | undefined {
    return this.limitsByMerchant.get(merchantId);
  }

  /** Milliseconds since the last copy arrived (undefined before the first). */
  ageMs(now = Date.now()): number | undefined {
    return this.loadedAt === undefined ? undefined : now - this.loadedAt;
  }

  /** The uses recorded since the last call, to report to Merchant. */
  takeUsage(): { keyId: string; at: string }[] {
    const usage = [...this.lastUsed].map(([keyId, at]) => ({ keyId, at: new Date(at).toISOString() }));
    this.lastUsed.clear();
    return usage;
  }

  /** Puts back uses that could not be reported, keeping the later time of each key. */
  restoreUsage(usage: { keyId: string; at: string }[]): void {
    for (const { keyId, at } of usage) this.lastUsed.set(keyId, Math.max(this.lastUsed.get(keyId) ?? 0, Date.parse(at)));
  }
}
