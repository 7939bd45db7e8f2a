/** Delays after the 1st, 2nd, … failed attempt; past the last one a delivery has failed for good. */
export type RetrySchedule = readonly number[];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1m` → 60000; `250ms`, `5s`, `2h`, `3d`. Undefined when it does not parse. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

/** A comma-separated list of durations, e.g. `1m,5m,30m,2h,5h,10h,6h`. */
export function parseRetrySchedule(text: string): RetrySchedule | undefined {
  const delays = text.split(',').map(durationMs);
  return delays.length > 0 && delays.every((d): d is number => d !== undefined && d > 0) ? delays : undefined;
}

/** When to try again after `attempts` failed attempts, or undefined once the schedule is spent. */
export function nextAttemptAt(schedule: RetrySchedule, attempts: number, now: Date): Date | undefined {
  const delay = schedule[attempts - 1];
  return delay === undefined ? undefined : new Date(now.getTime() + delay);
}

/** How long a delivery is retried in all: the sum of the schedule. */
export const retryWindowMs = (schedule: RetrySchedule): number => schedule.reduce((sum, d) => sum + d, 0);

/** An endpoint failing without a success since `failingSince` for `disableAfterMs` is disabled. */
export const shouldDisable = (failingSince: Date | null, now: Date, disableAfterMs: number): boolean =>
  failingSince !== null && now.getTime() - failingSince.getTime() >= disableAfterMs;
