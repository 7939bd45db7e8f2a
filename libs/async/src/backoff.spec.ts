import { backoffMs, jitteredMs } from './backoff';

const policy = { baseMs: 100, capMs: 1_000 };
const highest = () => 0;
const lowest = () => 0.999_999;

describe('backoffMs', () => {
  it('doubles the ceiling with each consecutive failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 30].map((n) => backoffMs(n, policy, highest))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('draws each delay between half the ceiling and the ceiling', () => {
    expect([1, 3, 30].map((n) => backoffMs(n, policy, lowest))).toEqual([50, 200, 500]);
    for (let i = 0; i < 200; i++) {
      const delay = backoffMs(3, policy);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('spreads the delays of clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('treats a first or nonsensical failure count as the first', () => {
    expect(backoffMs(0, policy, highest)).toBe(100);
  });

  it('jitters a fixed wait between half of it and all of it', () => {
    expect([highest, lowest].map((random) => jitteredMs(1_000, random))).toEqual([1_000, 500]);
    expect(new Set(Array.from({ length: 50 }, () => jitteredMs(1_000))).size).toBeGreaterThan(10);
  });
});
