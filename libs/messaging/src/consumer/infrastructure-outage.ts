import { backoffMs } from '@app/async';
import { Logger } from '@nestjs/common';

/**
 * A consumer's view of an outage of a server it needs (its database, mostly). While it lasts the
 * consumer keeps the messages it holds, unacknowledged and in order, takes no more than its
 * prefetch, and tries again after a capped backoff with jitter; no attempt of any message is used.
 */
export class InfrastructureOutage {
  private failures = 0;
  private since = 0;
  private timer?: NodeJS.Timeout;
  private wakeUp?: () => void;

  constructor(
    private readonly logger: Logger,
    private readonly capMs = 10_000,
  ) {}

  get active(): boolean {
    return this.failures > 0;
  }

  /** Waits before the next try; `error` is the failure that made it necessary. */
  async backOff(error: unknown): Promise<void> {
    if (this.failures === 0) {
      this.since = Date.now();
      this.logger.warn(
        `a server is unavailable (${(error as Error)?.message ?? String(error)}); holding messages and retrying with backoff`,
      );
    }
    this.failures++;
    // Jittered, so that the consumers of a restarted server do not return in step.
    const delay = backoffMs(this.failures, { baseMs: 250, capMs: this.capMs });
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(resolve, delay);
    });
  }

  /** The try after an outage went through. */
  recovered(): void {
    if (this.failures === 0) return;
    this.logger.log(`the server is back after ${((Date.now() - this.since) / 1000).toFixed(1)} s; consuming again`);
    this.failures = 0;
  }

  /** Ends a backoff early (the consumer is stopping). */
  interrupt(): void {
    clearTimeout(this.timer);
    this.wakeUp?.();
  }
}
