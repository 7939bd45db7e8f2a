import { parseRetryTiers, retryTierOf } from '@app/contracts';
import { MAX_RETRY_JITTER_MS, retryJitterMs } from './retry-jitter';

describe('retry tiers and their jitter', () => {
  const tiers = parseRetryTiers('250ms,1s,5s,30s');

  it('waits longer with each failure, in the last tier from then on', () => {
    expect([1, 2, 3, 4, 5, 50].map((attempt) => retryTierOf(attempt, tiers).delayMs)).toEqual([250, 1_000, 5_000, 30_000, 30_000, 30_000]);
    expect(retryTierOf(0, tiers)).toBe(tiers[0]);
  });

  it('holds a retry between no time and half its tier, never more than 2 s', () => {
    const [shortest, , , longest] = tiers;
    expect(retryJitterMs(shortest, () => 0)).toBe(0);
    expect(retryJitterMs(shortest, () => 0.999_999)).toBe(125);
    expect(retryJitterMs(longest, () => 0.999_999)).toBe(MAX_RETRY_JITTER_MS);
    const holds = new Set(Array.from({ length: 50 }, () => retryJitterMs(longest)));
    expect(holds.size).toBeGreaterThan(10);
  });
});
