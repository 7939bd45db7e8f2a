/** How Checkout talks to other services; read from the environment at start. */
export interface DownstreamOptions {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** How long a 404 for a just-opened account is retried: Account's read model is eventually consistent. */
  accountReadGraceMs: number;
}

const VARIABLES: Record<keyof DownstreamOptions, [string, number]> = {
  timeoutMs: ['CHECKOUT_HTTP_TIMEOUT_MS', 3_000],
  retries: ['CHECKOUT_HTTP_RETRIES', 2],
  backoffMs: ['CHECKOUT_HTTP_BACKOFF_MS', 50],
  accountReadGraceMs: ['CHECKOUT_ACCOUNT_READ_GRACE_MS', 1_500],
};

/** Reads the downstream call settings, throwing one readable error for every bad variable. */
export function downstreamOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DownstreamOptions {
  const problems: string[] = [];
  const entries = Object.entries(VARIABLES).map(([key, [name, fallback]]) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return [key, fallback];
    if (!/^\d+$/.test(raw)) problems.push(`${name} must be a whole number (got "${raw}")`);
    return [key, Number(raw)];
  });
  if (problems.length > 0) throw new Error(`Invalid checkout configuration: ${problems.join('; ')}`);
  return Object.fromEntries(entries) as DownstreamOptions;
}
