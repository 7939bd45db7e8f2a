import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('given a full bucket, grants up to its capacity at once', () => {
    const bucket = new TokenBucket(100, 25);
    expect(bucket.take(500, 0)).toEqual({ granted: 25, waitMs: 0 });
  });

  it('given an empty bucket, answers how long until one token is there', () => {
    const bucket = new TokenBucket(100, 25);
    bucket.take(25, 0);
    expect(bucket.take(10, 0)).toEqual({ granted: 0, waitMs: 10 });
  });

  it('refills at its rate, never above its capacity', () => {
    const bucket = new TokenBucket(100, 25);
    bucket.take(25, 0);
    expect(bucket.take(100, 100)).toEqual({ granted: 10, waitMs: 0 });
    expect(bucket.take(100, 10_100)).toEqual({ granted: 25, waitMs: 0 });
  });

  it('holds a steady taker to the rate over time', () => {
    const bucket = new TokenBucket(200, 50);
    let granted = 0;
    for (let now = 0; now <= 10_000; now += 7) granted += bucket.take(500, now).granted;
    // 10 s at 200 a second, plus the first burst.
    expect(granted).toBeGreaterThanOrEqual(2_000);
    expect(granted).toBeLessThanOrEqual(2_050);
  });

  it('ignores a clock that steps back instead of minting tokens', () => {
    const bucket = new TokenBucket(100, 10);
    bucket.take(10, 1_000);
    expect(bucket.take(10, 500).granted).toBe(0);
    expect(bucket.take(10, 1_000).granted).toBe(0);
  });

  it('refuses a rate or capacity that cannot pace anything', () => {
    expect(() => new TokenBucket(0, 10)).toThrow();
    expect(() => new TokenBucket(10, 0)).toThrow();
  });
});
