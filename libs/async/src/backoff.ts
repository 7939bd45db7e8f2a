export interface BackoffPolicy {
  /** The delay ceiling of the first retry. */
  baseMs: number;
  /** No delay ever exceeds this. */
  capMs: number;
}

/**
 * Capped exponential backoff with jitter for the n-th consecutive failure (1-based): a delay drawn
 * between half and all of `min(capMs, baseMs × 2^(n−1))`. The jitter keeps clients that failed
 * together (a broker restart, a database failover) from retrying together.
 */
export function backoffMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (1 - random() / 2));
}

/**
 * A fixed wait with the same jitter, between half and all of `ms`: for a retry or a poll that does
 * not grow (a standby asking for the lock, a consumer resubscribing), so that processes which
 * failed together do not ask again together.
 */
export function jitteredMs(ms: number, random: () => number = Math.random): number {
  return backoffMs(1, { baseMs: ms, capMs: ms }, random);
}
