import { backoffMs } from '@app/async';
import { recoveryOptionsFromEnv, retryBackoff } from './recovery.options';

describe('recovery options', () => {
  it('has defaults that keep the request, the worker and the deadline apart', () => {
    const options = recoveryOptionsFromEnv({});
    expect(options.requestBudgetMs).toBeLessThan(options.pendingAgeMs);
    expect(options.pendingAgeMs).toBeLessThan(options.deadlineMs);
  });

  it('lists every invalid variable', () => {
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_REQUEST_BUDGET_MS: 'soon', CHECKOUT_DEADLINE_MS: '-5' })).toThrow(
      /CHECKOUT_REQUEST_BUDGET_MS must be an integer between 1 and \d+ \(got "soon"\)\n.*CHECKOUT_DEADLINE_MS must be an integer/,
    );
  });

  it('refuses a worker that could take over a checkout its request still drives, or a deadline before it', () => {
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_REQUEST_BUDGET_MS: '5000', CHECKOUT_PENDING_AGE_MS: '5000' })).toThrow(
      /PENDING_AGE_MS must be above/,
    );
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_PENDING_AGE_MS: '20000', CHECKOUT_DEADLINE_MS: '10000' })).toThrow(
      /DEADLINE_MS must be above/,
    );
  });

  it('refuses a lease no call fits in: its margin must leave some of it', () => {
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_LEASE_MS: '1000', CHECKOUT_LEASE_MARGIN_MS: '1000' })).toThrow(
      /CHECKOUT_LEASE_MS must be above CHECKOUT_LEASE_MARGIN_MS/,
    );
    expect(recoveryOptionsFromEnv({})).toMatchObject({ leaseMs: 10_000, leaseMarginMs: 2_000 });
  });
});

describe('retry delay', () => {
  const policy = retryBackoff({ retryBaseMs: 100, retryCapMs: 1_000 });
  it('is the shared backoff: doubled per attempt up to the cap, jittered over the upper half', () => {
    expect(policy).toEqual({ baseMs: 100, capMs: 1_000 });
    expect(backoffMs(1, policy, () => 0.999)).toBe(50);
    expect(backoffMs(1, policy, () => 0)).toBe(100);
    expect(backoffMs(3, policy, () => 0)).toBe(400);
    expect(backoffMs(50, policy, () => 0.999)).toBe(500);
    expect(backoffMs(50, policy, () => 0)).toBe(1_000);
  });
});
