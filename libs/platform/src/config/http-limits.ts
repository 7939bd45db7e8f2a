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

const VARIABLES: Record<keyof HttpLimits, string> = {
  headersTimeoutMs: 'HTTP_HEADERS_TIMEOUT_MS',
  bodyTimeoutMs: 'HTTP_BODY_TIMEOUT_MS',
  requestTimeoutMs: 'HTTP_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  maxConnections: 'HTTP_MAX_CONNECTIONS',
};

const MAX_SETTING = 3_600_000;

/** Reads the limits from `env` (empty means unset); `problems` lists each invalid variable. */
export function readHttpLimits(env: NodeJS.ProcessEnv = process.env): { limits: HttpLimits; problems: string[] } {
  const limits = { ...DEFAULT_HTTP_LIMITS };
  const problems: string[] = [];
  for (const key of Object.keys(VARIABLES) as (keyof HttpLimits)[]) {
    const raw = env[VARIABLES[key]]?.trim();
    if (!raw) continue;
    const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= MAX_SETTING)) {
      problems.push(`${VARIABLES[key]} must be an integer between 1 and ${MAX_SETTING} (got "${raw}")`);
      continue;
    }
    limits[key] = value;
  }
  for (const part of ['headersTimeoutMs', 'bodyTimeoutMs'] as const) {
    if (problems.length === 0 && limits[part] > limits.requestTimeoutMs) {
      problems.push(`${VARIABLES[part]} must not exceed HTTP_REQUEST_TIMEOUT_MS, which bounds the whole request`);
    }
  }
  return { limits, problems };
}
