import { BackoffPolicy } from '@app/async';
import { defineSettings, integer, readSettings } from '@app/config';

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

const ms = (description: string, fallback: number) => integer(`${description} (ms)`, { default: fallback, min: 1, max: 9_999_999_999 });

/** Checkout's time limits; the rules keep the worker off a checkout its request still drives. */
export const recoverySettings = defineSettings(
  'checkout recovery',
  {
    CHECKOUT_REQUEST_BUDGET_MS: ms(
      'how long `POST /checkouts` drives a checkout before it answers `202 {checkoutId, status: pending}`',
      5_000,
    ),
    CHECKOUT_PENDING_AGE_MS: ms(
      'how old an unfinished checkout must be before the recovery worker takes it over (above the budget)',
      15_000,
    ),
    CHECKOUT_RETRY_BASE_MS: ms('the worker’s first retry delay: doubled per attempt, jittered, capped', 500),
    CHECKOUT_RETRY_CAP_MS: ms('the worker’s longest retry delay', 10_000),
    CHECKOUT_DEADLINE_MS: ms(
      'after this long since its start a checkout is compensated (void, refund) instead of retried (above the pending age)',
      60_000,
    ),
    CHECKOUT_RECOVERY_INTERVAL_MS: ms('how often the worker looks for due checkouts', 1_000),
    CHECKOUT_RECOVERY_BATCH: integer('how many due checkouts the worker drives at once', { default: 50, min: 1, max: 10_000 }),
    CHECKOUT_LEASE_MS: ms(
      'how long a driver (the request’s run or the recovery worker, in any process) holds an unfinished checkout between renewals; a driver stalled longer is taken over',
      10_000,
    ),
    CHECKOUT_LEASE_MARGIN_MS: ms('a driver’s calls end this long before its lease does (below `CHECKOUT_LEASE_MS`)', 2_000),
  },
  // The worker must never take over a checkout its request is still driving.
  (v) =>
    v.CHECKOUT_PENDING_AGE_MS <= v.CHECKOUT_REQUEST_BUDGET_MS
      ? 'CHECKOUT_PENDING_AGE_MS must be above CHECKOUT_REQUEST_BUDGET_MS'
      : undefined,
  (v) => (v.CHECKOUT_DEADLINE_MS <= v.CHECKOUT_PENDING_AGE_MS ? 'CHECKOUT_DEADLINE_MS must be above CHECKOUT_PENDING_AGE_MS' : undefined),
  (v) => (v.CHECKOUT_LEASE_MS <= v.CHECKOUT_LEASE_MARGIN_MS ? 'CHECKOUT_LEASE_MS must be above CHECKOUT_LEASE_MARGIN_MS' : undefined),
  (v) => (v.CHECKOUT_RETRY_CAP_MS < v.CHECKOUT_RETRY_BASE_MS ? 'CHECKOUT_RETRY_CAP_MS must be at least CHECKOUT_RETRY_BASE_MS' : undefined),
);

/** Reads the recovery settings, throwing one readable error for every bad variable. */
export function recoveryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RecoveryOptions {
  const v = readSettings(recoverySettings, env);
  return {
    requestBudgetMs: v.CHECKOUT_REQUEST_BUDGET_MS,
    pendingAgeMs: v.CHECKOUT_PENDING_AGE_MS,
    retryBaseMs: v.CHECKOUT_RETRY_BASE_MS,
    retryCapMs: v.CHECKOUT_RETRY_CAP_MS,
    deadlineMs: v.CHECKOUT_DEADLINE_MS,
    intervalMs: v.CHECKOUT_RECOVERY_INTERVAL_MS,
    batchSize: v.CHECKOUT_RECOVERY_BATCH,
    leaseMs: v.CHECKOUT_LEASE_MS,
    leaseMarginMs: v.CHECKOUT_LEASE_MARGIN_MS,
  };
}

/** The worker's retry delays, as the one backoff of the repository (`backoffMs` of `@app/async`) takes them. */
export const retryBackoff = (options: Pick<RecoveryOptions, 'retryBaseMs' | 'retryCapMs'>): BackoffPolicy => ({
  baseMs: options.retryBaseMs,
  capMs: options.retryCapMs,
});
