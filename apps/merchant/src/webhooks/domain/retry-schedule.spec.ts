import { durationMs, nextAttemptAt, parseRetrySchedule, retryWindowMs, shouldDisable } from './retry-schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = new Date('2026-12-07T12:00:00Z');

describe('webhook retry schedule', () => {
  const schedule = parseRetrySchedule('1m,5m,30m,2h,5h,10h,6h')!;

  it('given the default schedule, then it reads as seven delays over just under 24 hours', () => {
    expect(schedule).toEqual([MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 6 * HOUR]);
    expect(retryWindowMs(schedule)).toBe(23 * HOUR + 36 * MINUTE);
  });

  it('given n failed attempts, when asked for the next, then it waits the n-th delay', () => {
    expect(nextAttemptAt(schedule, 1, now)).toEqual(new Date(now.getTime() + MINUTE));
    expect(nextAttemptAt(schedule, 4, now)).toEqual(new Date(now.getTime() + 2 * HOUR));
    expect(nextAttemptAt(schedule, 7, now)).toEqual(new Date(now.getTime() + 6 * HOUR));
  });

  it('given the schedule is spent, when asked for the next attempt, then there is none', () => {
    expect(nextAttemptAt(schedule, 8, now)).toBeUndefined();
    expect(nextAttemptAt(parseRetrySchedule('1s')!, 2, now)).toBeUndefined();
  });

  it('given bad text, then it does not parse', () => {
    expect(parseRetrySchedule('1m,,5m')).toBeUndefined();
    expect(parseRetrySchedule('1 minute')).toBeUndefined();
    expect(parseRetrySchedule('0s')).toBeUndefined();
    expect(durationMs('250ms')).toBe(250);
    expect(durationMs('3d')).toBe(72 * HOUR);
  });

  it('given an endpoint failing since a time, then it is disabled once the period has passed, never while it succeeds', () => {
    const since = new Date(now.getTime() - 72 * HOUR);
    expect(shouldDisable(since, now, 72 * HOUR)).toBe(true);
    expect(shouldDisable(since, new Date(now.getTime() - 1), 72 * HOUR)).toBe(false);
    expect(shouldDisable(null, now, 72 * HOUR)).toBe(false);
  });
});
