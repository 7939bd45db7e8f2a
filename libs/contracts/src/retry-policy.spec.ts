import { parseRetryTiers, retryPolicyFrom, retryPolicySettings } from './retry-policy';

describe('the retry policy, an installation setting', () => {
  it('defaults to 250ms, 1s, 5s and 30s, and 5 attempts', () => {
    const policy = retryPolicyFrom({});
    expect(policy.tiers).toEqual([
      { name: '250ms', delayMs: 250 },
      { name: '1s', delayMs: 1_000 },
      { name: '5s', delayMs: 5_000 },
      { name: '30s', delayMs: 30_000 },
    ]);
    expect(policy.maxAttempts).toBe(5);
  });

  it('names each tier after its delay, so another delay is another queue', () => {
    expect(parseRetryTiers('50ms, 1000ms,1500ms,2s').map((tier) => tier.name)).toEqual(['50ms', '1s', '1500ms', '2s']);
  });

  it('takes its settings from RETRY_TIERS and RETRY_MAX_ATTEMPTS and gives them back as provisioning writes them', () => {
    const policy = retryPolicyFrom({ RETRY_TIERS: '50ms,100ms,200ms,400ms', RETRY_MAX_ATTEMPTS: '3' });
    expect(policy.tiers.map((tier) => tier.delayMs)).toEqual([50, 100, 200, 400]);
    expect(retryPolicySettings(policy)).toEqual({ RETRY_TIERS: '50ms,100ms,200ms,400ms', RETRY_MAX_ATTEMPTS: '3' });
  });

  it('refuses delays that are not ascending, unknown units and attempts below one', () => {
    expect(() => parseRetryTiers('1s,500ms')).toThrow(/ascending/);
    expect(() => parseRetryTiers('1s,1s')).toThrow(/ascending/);
    expect(() => parseRetryTiers('0ms')).toThrow(/positive/);
    expect(() => parseRetryTiers('1m')).toThrow(/not a delay/);
    expect(() => retryPolicyFrom({ RETRY_MAX_ATTEMPTS: '0' })).toThrow(/RETRY_MAX_ATTEMPTS/);
    expect(() => retryPolicyFrom({ RETRY_MAX_ATTEMPTS: '2.5' })).toThrow(/RETRY_MAX_ATTEMPTS/);
  });
});
