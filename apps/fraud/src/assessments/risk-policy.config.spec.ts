import { DEFAULT_RISK_POLICY } from './domain/risk-policy';
import { loadRiskPolicy } from './risk-policy.config';

describe('risk policy from the environment', () => {
  it('uses the defaults when nothing is set (or set empty)', () =>
    expect(loadRiskPolicy({ FRAUD_VELOCITY_MAX_PER_MINUTE: '' })).toEqual(DEFAULT_RISK_POLICY));
  it('reads every variable', () =>
    expect(
      loadRiskPolicy({
        FRAUD_VELOCITY_MAX_PER_MINUTE: '3',
        FRAUD_UNUSUAL_AMOUNT_FACTOR: '4.5',
        FRAUD_UNUSUAL_AMOUNT_MIN_HISTORY: '7',
        FRAUD_ADDRESS_CHANGE_WINDOW_HOURS: '48',
        FRAUD_ADDRESS_CHANGE_LARGE_SHARE: '0.25',
      }),
    ).toEqual({
      velocityMaxPerWindow: 3,
      velocityWindowSeconds: 60,
      unusualAmountFactor: 4.5,
      unusualAmountMinHistory: 7,
      addressChangeWindowHours: 48,
      addressChangeLargeShare: 0.25,
    }));
  it('names every invalid variable at once', () => {
    expect(() => loadRiskPolicy({ FRAUD_VELOCITY_MAX_PER_MINUTE: '2.5', FRAUD_ADDRESS_CHANGE_LARGE_SHARE: 'lots' })).toThrow(
      'FRAUD_VELOCITY_MAX_PER_MINUTE must be an integer of at least 1 (got "2.5")\n  - FRAUD_ADDRESS_CHANGE_LARGE_SHARE must be a number above 0 and at most 1 (got "lots")',
    );
  });
});
