/** A request limit: at most `requests` per key in each fixed window of `windowSeconds`. */
export interface RequestLimit {
  requests: number;
  windowSeconds: number;
}

/** Every merchant key's limit on the checkout routes unless an operator set its merchant another. */
export const DEFAULT_REQUEST_LIMIT: RequestLimit = { requests: 100, windowSeconds: 10 };

/** The window a request at `nowMs` counts in: its start (ms since the epoch) and its index. */
export function windowOf(limit: RequestLimit, nowMs: number): { startMs: number; endMs: number } {
  const lengthMs = limit.windowSeconds * 1000;
  const startMs = Math.floor(nowMs / lengthMs) * lengthMs;
  return { startMs, endMs: startMs + lengthMs };
}

export interface LimitVerdict {
  allowed: boolean;
  /** Requests left in this window after this one (never below 0). */
  remaining: number;
  /** Whole seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/** The verdict on the `count`-th request of its window (this one included). */
export function limitVerdict(limit: RequestLimit, count: number, nowMs: number): LimitVerdict {
  const { endMs } = windowOf(limit, nowMs);
  return {
    allowed: count <= limit.requests,
    remaining: Math.max(0, limit.requests - count),
    resetSeconds: Math.max(1, Math.ceil((endMs - nowMs) / 1000)),
  };
}

/**
 * The headers of draft-ietf-httpapi-ratelimit-headers (structured fields, as in drafts 07 to 09):
 * `RateLimit-Policy` names the policy and its quota `q` per window `w` seconds; `RateLimit` its
 * remaining quota `r` and the seconds `t` until it resets. A refusal adds `Retry-After`.
 */
export function rateLimitHeaders(limit: RequestLimit, verdict: LimitVerdict): Record<string, string> {
  return {
    'RateLimit-Policy': `"checkouts";q=${limit.requests};w=${limit.windowSeconds}`,
    RateLimit: `"checkouts";r=${verdict.remaining};t=${verdict.resetSeconds}`,
    ...(verdict.allowed ? {} : { 'Retry-After': String(verdict.resetSeconds) }),
  };
}
