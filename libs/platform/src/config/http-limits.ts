import { Values, defineSettings, integer } from '@app/config';

/** How long a client may take and how many may connect: every HTTP server of the platform applies these. */
export interface HttpLimits {
  /** The request line and headers must arrive within this (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** A body must arrive whole within this after the headers (HTTP_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  /** The whole request must arrive within this (HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are refused (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};

const MAX_SETTING = 3_600_000;
const limit = (description: string, fallback: number) => integer(description, { default: fallback, min: 1, max: MAX_SETTING });

/** Every HTTP server's bounds on slow and numerous clients (milliseconds, and a connection count). */
export const httpLimitSettings = defineSettings(
  'HTTP limits',
  {
    HTTP_HEADERS_TIMEOUT_MS: limit('the request line and headers must arrive within this (ms)', DEFAULT_HTTP_LIMITS.headersTimeoutMs),
    HTTP_BODY_TIMEOUT_MS: limit(
      'the body must arrive whole within this after the headers (else `408`); also how long a body is read and discarded before a `413` closes the connection (ms)',
      DEFAULT_HTTP_LIMITS.bodyTimeoutMs,
    ),
    HTTP_REQUEST_TIMEOUT_MS: limit('the whole request must arrive within this (ms)', DEFAULT_HTTP_LIMITS.requestTimeoutMs),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: limit('an idle kept-alive connection closes after this (ms)', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs),
    HTTP_MAX_CONNECTIONS: limit('connections beyond this many are refused', DEFAULT_HTTP_LIMITS.maxConnections),
  },
  (v) =>
    v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS
      ? 'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS, which bounds the whole request'
      : undefined,
  (v) =>
    v.HTTP_BODY_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS
      ? 'HTTP_BODY_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS, which bounds the whole request'
      : undefined,
);

/** The limits of the group's values. */
export const httpLimitsOf = (v: Values<typeof httpLimitSettings.settings>): HttpLimits => ({
  headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
  bodyTimeoutMs: v.HTTP_BODY_TIMEOUT_MS,
  requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  maxConnections: v.HTTP_MAX_CONNECTIONS,
});
