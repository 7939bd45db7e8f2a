import { recoveryOptionsFromEnv, retryDelayMs } from './recovery.options';

describe('recovery options', () => {
  it('has defaults that keep the request, the worker and the deadline apart', () => {
    const options = recoveryOptionsFromEnv({});
    expect(options.requestBudgetMs).toBeLessThan(options.pendingAgeMs);
    expect(options.pendingAgeMs).toBeLessThan(options.deadlineMs);
  });

  it('lists every invalid variable', () => {
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_REQUEST_BUDGET_MS: 'soon', CHECKOUT_DEADLINE_MS: '-5' })).toThrow(
      /CHECKOUT_REQUEST_BUDGET_MS must be a positive whole number.*CHECKOUT_DEADLINE_MS must be a positive whole number/,
    );
  });

  it('refuses a worker that could take over a checkout its request still drives, or a deadline before it', () => {
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_REQUEST_BUDGET_MS: '5000', CHECKOUT_PENDING_AGE_MS: '5000' })).toThrow(/PENDING_AGE_MS must be above/);
    expect(() => recoveryOptionsFromEnv({ CHECKOUT_PENDING_AGE_MS: '20000', CHECKOUT_DEADLINE_MS: '10000' })).toThrow(/DEADLINE_MS must be above/);
  });
});

describe('retry delay', () => {
  const options = { retryBaseMs: 100, retryCapMs: 1_000 };
  it('doubles per attempt up to the cap, jittered over the upper half', () => {
    expect(retryDelayMs(1, options, () => 0)).toBe(50);
    expect(retryDelayMs(1, options, () => 0.999)).toBe(100);
    expect(retryDelayMs(3, options, () => 0.999)).toBe(400);
    expect(retryDelayMs(50, options, () => 0)).toBe(500);
    expect(retryDelayMs(50, options, () => 0.999)).toBe(1_000);
  });
});
