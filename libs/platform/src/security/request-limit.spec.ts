import { DEFAULT_REQUEST_LIMIT, limitVerdict, rateLimitHeaders, windowOf } from './request-limit';

const limit = { requests: 3, windowSeconds: 10 };
const at = (seconds: number) => Date.UTC(2026, 11, 7, 11, 0, 0) + seconds * 1000;

describe('request limit arithmetic', () => {
  it('counts requests in fixed windows aligned to the window length', () => {
    expect(windowOf(limit, at(0))).toEqual({ startMs: at(0), endMs: at(10) });
    expect(windowOf(limit, at(9.999))).toEqual({ startMs: at(0), endMs: at(10) });
    expect(windowOf(limit, at(10))).toEqual({ startMs: at(10), endMs: at(20) });
  });

  it('allows the quota, then refuses until the window resets, in whole seconds of at least one', () => {
    expect(limitVerdict(limit, 1, at(2.5))).toEqual({ allowed: true, remaining: 2, resetSeconds: 8 });
    expect(limitVerdict(limit, 3, at(2.5))).toEqual({ allowed: true, remaining: 0, resetSeconds: 8 });
    expect(limitVerdict(limit, 4, at(2.5))).toEqual({ allowed: false, remaining: 0, resetSeconds: 8 });
    expect(limitVerdict(limit, 9, at(9.9))).toEqual({ allowed: false, remaining: 0, resetSeconds: 1 });
  });

  it('writes the draft RateLimit headers, and Retry-After only on a refusal', () => {
    expect(rateLimitHeaders(limit, limitVerdict(limit, 1, at(2.5)))).toEqual({
      'RateLimit-Policy': '"checkouts";q=3;w=10',
      RateLimit: '"checkouts";r=2;t=8',
    });
    expect(rateLimitHeaders(limit, limitVerdict(limit, 4, at(2.5)))).toEqual({
      'RateLimit-Policy': '"checkouts";q=3;w=10',
      RateLimit: '"checkouts";r=0;t=8',
      'Retry-After': '8',
    });
  });

  it('has a stated default: 100 requests per key per 10 seconds', () => {
    expect(DEFAULT_REQUEST_LIMIT).toEqual({ requests: 100, windowSeconds: 10 });
  });
});
