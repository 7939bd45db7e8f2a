/** One checkout that is not final yet, as Checkout's `GET /checkouts/unfinished` reports it and its worker schedules it. */
export interface UnfinishedCheckout {
  checkoutId: string;
  startedAt: string;
  ageSeconds: number;
  attempts: number;
  step: string | null;
  lastError: string | null;
  nextAttemptAt: string;
  /** Past its deadline: the worker compensates it instead of retrying the step. */
  overdue: boolean;
}

/** The answer of `GET /checkouts/unfinished`: how many, the oldest's age, and the oldest of them. */
export interface UnfinishedCheckouts {
  count: number;
  oldestAgeSeconds: number;
  checkouts: UnfinishedCheckout[];
}
