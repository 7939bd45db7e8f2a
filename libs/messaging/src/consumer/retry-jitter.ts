import type { RetryTier } from '@app/contracts';

/** No retry is held back longer than this for its jitter. */
export const MAX_RETRY_JITTER_MS = 2_000;

/**
 * The jitter of a retry: how long the consumer holds a failed message (unacknowledged) before it
 * moves it to its tier, drawn between 0 and half the tier's delay, at most 2 s. Messages that
 * failed together (a flaky dependency, a burst of early events) so come back spread out instead
 * of together.
 *
 * Why the consumer holds it, rather than the broker: a per-message expiry inside a tier would
 * bring back waiting at the head of the queue, which squeezes exactly the messages that failed
 * together to the longest of their delays; and several queues per tier, each with its own TTL,
 * would multiply the quorum queues (a Raft group each, on every node). A held message costs one
 * prefetch slot for at most 2 s, the consumer does not wait for it, and if the consumer dies
 * meanwhile the broker redelivers it from the main queue (this failure then did not count).
 */
export function retryJitterMs(tier: RetryTier, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(tier.delayMs / 2, MAX_RETRY_JITTER_MS));
}

/** Retries held for their jitter; cancelled ones stay unacknowledged and come back when the channel closes. */
export class HeldRetries {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `move` after `ms`, without making the caller wait. */
  hold(ms: number, move: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void move();
    }, ms);
    this.timers.add(timer);
  }

  cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
