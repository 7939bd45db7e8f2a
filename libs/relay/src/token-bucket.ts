/** What a take answers: how many events may go now, or how long to wait before asking again. */
export interface TokenGrant {
  granted: number;
  waitMs: number;
}

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `capacity` saved up (the burst). Pure:
 * the caller passes the time, so a spec needs no clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    readonly ratePerSecond: number,
    private readonly capacity: number,
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new Error('a token bucket needs a positive rate and a capacity of at least 1');
    this.tokens = capacity;
  }

  /** Takes up to `wanted` whole tokens at `nowMs`; with none available, answers the wait until one is. */
  take(wanted: number, nowMs: number): TokenGrant {
    this.refill(nowMs);
    const granted = Math.min(Math.max(0, Math.floor(wanted)), Math.floor(this.tokens));
    if (granted > 0) {
      this.tokens -= granted;
      return { granted, waitMs: 0 };
    }
    return { granted: 0, waitMs: wanted <= 0 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000) };
  }

  private refill(nowMs: number): void {
    if (this.lastMs !== undefined && nowMs > this.lastMs) {
      this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSecond);
    }
    this.lastMs = Math.max(nowMs, this.lastMs ?? nowMs);
  }
}
