import fc from 'fast-check';

/**
 * Short limits, so that a request outlives the pending age and a checkout reaches its deadline
 * within a schedule of a few seconds. A `late` provider call takes effect at most
 * LATE_EFFECT_MAX_MS after it arrived, within the lease margin a driver keeps (the bound fencing
 * relies on: a callee applies a call its caller gave up on within CHECKOUT_LEASE_MARGIN_MS).
 */
export const FENCING = {
  pendingAgeMs: 600,
  deadlineMs: 3_000,
  intervalMs: 100,
  httpTimeoutMs: 250,
  leaseMarginMs: 600,
  lateEffectMaxMs: 550,
  /** A standby worker's election retry (LeaderElection's default), jittered between half and all of it. */
  electionRetryMs: 1_000,
};

export const FENCING_ENV: NodeJS.ProcessEnv = {
  CHECKOUT_REQUEST_BUDGET_MS: '300',
  CHECKOUT_PENDING_AGE_MS: String(FENCING.pendingAgeMs),
  CHECKOUT_DEADLINE_MS: String(FENCING.deadlineMs),
  CHECKOUT_RECOVERY_INTERVAL_MS: String(FENCING.intervalMs),
  CHECKOUT_RETRY_BASE_MS: '100',
  CHECKOUT_RETRY_CAP_MS: '400',
  CHECKOUT_LEASE_MS: '1500',
  CHECKOUT_LEASE_MARGIN_MS: String(FENCING.leaseMarginMs),
  CHECKOUT_HTTP_TIMEOUT_MS: String(FENCING.httpTimeoutMs),
  CHECKOUT_HTTP_RETRIES: '1',
  CHECKOUT_HTTP_BACKOFF_MS: '20',
  FRAUD_VELOCITY_MAX_PER_MINUTE: '100000',
};

export type ProviderOperation = 'authorise' | 'capture' | 'void' | 'lookup';
export type ProviderMode = 'ok' | 'fail' | 'timeout' | 'lost' | 'down' | 'late';

/** One operation of the provider misbehaving from `atMs` for `forMs` (all faults are over before the deadline). */
export interface ProviderFault {
  op: ProviderOperation;
  mode: ProviderMode;
  latencyMs: number;
  atMs: number;
  forMs: number;
}

/**
 * A process frozen (SIGSTOP) from `atMs` for `forMs`: the request's process past the pending age and
 * often past the deadline, so that the worker of the other instance takes over while a call of the
 * request is on its way; Account's, so that a charge lands after its caller gave up.
 */
export interface Pause {
  target: 'request' | 'account';
  atMs: number;
  forMs: number;
}

/** The request's process frozen as soon as its checkout records `after`: between that step and its next call. */
export interface StepFreeze {
  after: 'CheckoutStarted' | 'PaymentAuthorised' | 'AccountCharged';
  forMs: number;
}

/** A SIGKILL and restart: of the request's process, the worker's, or Account's (an outage where calls fail at once). */
export interface Kill {
  target: 'request' | 'worker' | 'account';
  atMs: number;
}

export interface FencingSchedule {
  amount: number;
  faults: ProviderFault[];
  pauses: Pause[];
  freeze: StepFreeze | null;
  kill: Kill | null;
}

const providerFault: fc.Arbitrary<ProviderFault> = fc
  .record({
    op: fc.constantFrom<ProviderOperation>('authorise', 'capture', 'void', 'lookup'),
    mode: fc.constantFrom<ProviderMode>('ok', 'fail', 'timeout', 'lost', 'late', 'late', 'down'),
    latency: fc.integer({ min: 0, max: 150 }),
    late: fc.integer({ min: FENCING.httpTimeoutMs + 50, max: FENCING.lateEffectMaxMs }),
    atMs: fc.integer({ min: 0, max: 1_500 }),
    forMs: fc.integer({ min: 100, max: 1_200 }),
  })
  .map(({ op, mode, latency, late, atMs, forMs }) => ({ op, mode, latencyMs: mode === 'late' ? late : latency, atMs, forMs }));

const pause: fc.Arbitrary<Pause> = fc.oneof(
  fc.record({
    target: fc.constant<'request'>('request'),
    atMs: fc.integer({ min: 0, max: 1_500 }),
    forMs: fc.integer({ min: FENCING.pendingAgeMs + 100, max: FENCING.deadlineMs + 1_500 }),
  }),
  fc.record({
    target: fc.constant<'account'>('account'),
    atMs: fc.integer({ min: 0, max: 1_200 }),
    forMs: fc.integer({ min: 300, max: 1_500 }),
  }),
);

const freeze: fc.Arbitrary<StepFreeze> = fc.record({
  after: fc.constantFrom<StepFreeze['after']>('CheckoutStarted', 'PaymentAuthorised', 'AccountCharged'),
  forMs: fc.integer({ min: FENCING.pendingAgeMs + 100, max: FENCING.deadlineMs + 4_000 }),
});

const kill: fc.Arbitrary<Kill> = fc.record({
  target: fc.constantFrom<Kill['target']>('request', 'worker', 'account'),
  atMs: fc.integer({ min: 0, max: 2_500 }),
});

/** Fault schedules over one checkout driven by a request in one process and the worker in another. */
export const fencingSchedule: fc.Arbitrary<FencingSchedule> = fc.record({
  amount: fc.integer({ min: 100, max: 900 }),
  faults: fc.array(providerFault, { maxLength: 3 }),
  pauses: fc.array(pause, { maxLength: 2 }),
  freeze: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: freeze }),
  // A restart costs seconds: one schedule in five kills a process.
  kill: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: kill }),
});

/**
 * The schedule issue 22 described, always run first: the request freezes right after its
 * authorisation, Account is down (killed) while the worker tries the charge, so the worker
 * compensates (refunds nothing) past the deadline, and the request's charge comes after.
 */
export const CHARGE_AFTER_COMPENSATION: FencingSchedule = {
  amount: 500,
  faults: [],
  pauses: [],
  freeze: { after: 'PaymentAuthorised', forMs: FENCING.deadlineMs + 4_000 },
  kill: { target: 'account', atMs: 300 },
};

/** Everything that a checkout left behind, as Checkout, Account and the provider each recorded it. */
export interface Outcome {
  status: 'completed' | 'rejected' | 'never started';
  total: number;
  /** From the checkout's first event to its final one, by the database's clock. */
  finalAfterMs?: number;
  charged: number;
  refunded: number;
  authorisations: { status: string; capturedAt?: string; voidedAt?: string }[];
}

/**
 * The invariants: the account's charges less its refunds are the completed total; every
 * authorisation is captured or voided, never both, never left held; at most one capture, and one
 * exactly when the checkout completed; the checkout final by `finalBoundMs` after its start.
 */
export function broken(outcome: Outcome, finalBoundMs: number): string[] {
  const problems: string[] = [];
  const completed = outcome.status === 'completed' ? outcome.total : 0;
  if (outcome.charged - outcome.refunded !== completed)
    problems.push(`charges ${outcome.charged} − refunds ${outcome.refunded} ≠ completed total ${completed}`);
  for (const a of outcome.authorisations) {
    if (a.status === 'authorised') problems.push('an authorisation is still held');
    if (a.capturedAt && a.voidedAt) problems.push('an authorisation was captured and voided');
  }
  const captures = outcome.authorisations.filter((a) => a.status === 'captured').length;
  if (captures > 1) problems.push(`${captures} captures`);
  if ((outcome.status === 'completed') !== (captures === 1)) problems.push(`${outcome.status} with ${captures} captures`);
  if (outcome.finalAfterMs !== undefined && outcome.finalAfterMs > finalBoundMs)
    problems.push(`final ${outcome.finalAfterMs} ms after its start, past ${finalBoundMs} ms`);
  return problems;
}
