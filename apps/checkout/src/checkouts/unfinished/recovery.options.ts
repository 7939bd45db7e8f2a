import { BackoffPolicy } from '@app/async';

/** How long a checkout may take, and how the recovery worker retries it; read from the environment at start. */
export interface RecoveryOptions {
  /** How long POST /checkouts drives a checkout before it answers 202 pending. */
  requestBudgetMs: number;
  /** How old an unfinished checkout must be before the worker takes it over from its request. */
  pendingAgeMs: number;
  /** First retry delay; doubled per attempt, with jitter, up to `retryCapMs`. */
  retryBaseMs: number;
  retryCapMs: number;
  /** How long after its start a checkout that still cannot finish is compensated instead. */
  deadlineMs: number;
  /** How often the worker looks for due checkouts when it found none. */
  intervalMs: number;
  /** How many due checkouts the worker drives at once. */
  batchSize: number;
  /** How long a driver holds a checkout between renewals: a driver stalled longer (a pause, a hung call) is taken over. */
  leaseMs: number;
  /** A driver's calls end this long before its lease: the time a callee may still take to apply a call its caller gave up on. */
  leaseMarginMs: number;
}

const VARIABLES: Record<keyof RecoveryOptions, [string, number]> = {
  requestBudgetMs: ['CHECKOUT_REQUEST_BUDGET_MS', 5_000],
  pendingAgeMs: ['CHECKOUT_PENDING_AGE_MS', 15_000],
  retryBaseMs: ['CHECKOUT_RETRY_BASE_MS', 500],
  retryCapMs: ['CHECKOUT_RETRY_CAP_MS', 10_000],
  deadlineMs: ['CHECKOUT_DEADLINE_MS', 60_000],
  intervalMs: ['CHECKOUT_RECOVERY_INTERVAL_MS', 1_000],
  batchSize: ['CHECKOUT_RECOVERY_BATCH', 50],
  leaseMs: ['CHECKOUT_LEASE_MS', 10_000],
  leaseMarginMs: ['CHECKOUT_LEASE_MARGIN_MS', 2_000],
};

/** Reads the recovery settings, throwing one readable error for every bad variable. */
export function recoveryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RecoveryOptions {
  const problems: string[] = [];
  const entries = Object.entries(VARIABLES).map(([key, [name, fallback]]) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return [key, fallback];
    if (!/^[1-9]\d{0,9}$/.test(raw)) problems.push(`${name} must be a positive whole number (got "${raw}")`);
    return [key, Number(raw)];
  });
  const options = Object.fromEntries(entries) as RecoveryOptions;
  if (problems.length === 0) {
    // The worker must never take over a checkout its request is still driving.
    if (options.pendingAgeMs <= options.requestBudgetMs) problems.push('CHECKOUT_PENDING_AGE_MS must be above CHECKOUT_REQUEST_BUDGET_MS');
    if (options.deadlineMs <= options.pendingAgeMs) problems.push('CHECKOUT_DEADLINE_MS must be above CHECKOUT_PENDING_AGE_MS');
    if (options.leaseMs <= options.leaseMarginMs) problems.push('CHECKOUT_LEASE_MS must be above CHECKOUT_LEASE_MARGIN_MS');
    if (options.retryCapMs < options.retryBaseMs) problems.push('CHECKOUT_RETRY_CAP_MS must be at least CHECKOUT_RETRY_BASE_MS');
  }
  if (problems.length > 0) throw new Error(`Invalid checkout configuration: ${problems.join('; ')}`);
  return options;
}

/** The worker's retry delays, as the one backoff of the repository (`backoffMs` of `@app/async`) takes them. */
export const retryBackoff = (options: Pick<RecoveryOptions, 'retryBaseMs' | 'retryCapMs'>): BackoffPolicy => ({
  baseMs: options.retryBaseMs,
  capMs: options.retryCapMs,
});
