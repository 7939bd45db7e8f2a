import { DEFAULT_RISK_POLICY } from './risk-policy';
import {
  AccountRisk,
  RiskSignals,
  accountLocked,
  addressChangeLargeAmount,
  assessRisk,
  checkoutsInWindow,
  median,
  merchantSuspended,
  noHistory,
  unknownMerchant,
  unusualAmount,
  velocity,
} from './risk-rules';

const policy = DEFAULT_RISK_POLICY;
const now = '2026-03-01T12:00:00.000Z';
const account = (overrides: Partial<AccountRisk> = {}): AccountRisk => ({
  status: 'active',
  limit: 100_000,
  currency: 'EUR',
  addressChangedAt: null,
  recentAmounts: [1_000, 1_200, 900],
  ...overrides,
});
const signals = (overrides: Partial<RiskSignals> = {}): RiskSignals => ({
  now,
  amount: 1_000,
  currency: 'EUR',
  account: account(),
  merchant: { status: 'active' },
  recentCheckouts: 0,
  recentAssessments: 0,
  ...overrides,
});
const hoursBefore = (hours: number) => new Date(Date.parse(now) - hours * 3_600_000).toISOString();

describe('fraud risk rules', () => {
  describe('ACCOUNT_LOCKED', () => {
    it('fires for a locked account', () =>
      expect(accountLocked(signals({ account: account({ status: 'locked' }) }), policy)).toBe('ACCOUNT_LOCKED'));
    it('stays quiet for an active one', () => expect(accountLocked(signals(), policy)).toBeUndefined());
  });

  describe('MERCHANT_SUSPENDED', () => {
    it('fires for a suspended merchant', () =>
      expect(merchantSuspended(signals({ merchant: { status: 'suspended' } }), policy)).toBe('MERCHANT_SUSPENDED'));
    it('stays quiet for an active one', () => expect(merchantSuspended(signals(), policy)).toBeUndefined());
  });

  describe('VELOCITY', () => {
    it('allows the N-th checkout in the window', () =>
      expect(velocity(signals({ recentAssessments: policy.velocityMaxPerWindow - 1 }), policy)).toBeUndefined());
    it('fires on the N+1-th, counted from earlier assessments alone (before any checkout event arrived)', () =>
      expect(velocity(signals({ recentAssessments: policy.velocityMaxPerWindow }), policy)).toBe('VELOCITY'));
    it('fires on started checkouts that were never assessed', () =>
      expect(velocity(signals({ recentCheckouts: policy.velocityMaxPerWindow + 1 }), policy)).toBe('VELOCITY'));
    it('does not count a checkout twice when both its assessment and its start are known', () => {
      expect(checkoutsInWindow({ recentAssessments: 4, recentCheckouts: 4 })).toBe(5);
      expect(checkoutsInWindow({ recentAssessments: 4, recentCheckouts: 5 })).toBe(5);
      expect(velocity(signals({ recentAssessments: 4, recentCheckouts: 5 }), policy)).toBeUndefined();
    });
    it('follows the configured maximum', () =>
      expect(velocity(signals({ recentAssessments: 2 }), { ...policy, velocityMaxPerWindow: 2 })).toBe('VELOCITY'));
  });

  describe('UNUSUAL_AMOUNT', () => {
    it('fires above ten times the median purchase', () =>
      expect(unusualAmount(signals({ amount: 10_001 }), policy)).toBe('UNUSUAL_AMOUNT'));
    it('allows exactly ten times the median', () => expect(unusualAmount(signals({ amount: 10_000 }), policy)).toBeUndefined());
    it('is not fooled by one earlier outlier (median, not mean)', () =>
      expect(unusualAmount(signals({ amount: 20_000, account: account({ recentAmounts: [1_000, 1_000, 1_000, 500_000] }) }), policy)).toBe(
        'UNUSUAL_AMOUNT',
      ));
    it('needs a minimum history', () =>
      expect(unusualAmount(signals({ amount: 1_000_000, account: account({ recentAmounts: [100, 100] }) }), policy)).toBeUndefined());
    it('does not compare amounts in another currency', () =>
      expect(unusualAmount(signals({ amount: 1_000_000, currency: 'USD' }), policy)).toBeUndefined());
    it('stays quiet for an account it does not know', () =>
      expect(unusualAmount(signals({ amount: 1_000_000, account: undefined }), policy)).toBeUndefined());
  });

  describe('ADDRESS_CHANGE_LARGE_AMOUNT', () => {
    const moved = (hours: number) => account({ addressChangedAt: hoursBefore(hours) });
    it('fires for half the limit soon after an address change', () =>
      expect(addressChangeLargeAmount(signals({ amount: 50_000, account: moved(2) }), policy)).toBe('ADDRESS_CHANGE_LARGE_AMOUNT'));
    it('allows a small amount soon after an address change', () =>
      expect(addressChangeLargeAmount(signals({ amount: 49_999, account: moved(2) }), policy)).toBeUndefined());
    it('allows a large amount once the window has passed', () =>
      expect(addressChangeLargeAmount(signals({ amount: 90_000, account: moved(25) }), policy)).toBeUndefined());
    it('allows a large amount when the address never changed', () =>
      expect(addressChangeLargeAmount(signals({ amount: 90_000 }), policy)).toBeUndefined());
  });

  describe('unknown account or merchant', () => {
    it('reports NO_HISTORY for an account Fraud has not learned of', () =>
      expect(noHistory(signals({ account: undefined }), policy)).toBe('NO_HISTORY'));
    it('reports UNKNOWN_MERCHANT for a merchant Fraud has not learned of', () =>
      expect(unknownMerchant(signals({ merchant: undefined }), policy)).toBe('UNKNOWN_MERCHANT'));
  });

  describe('median', () => {
    it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
      expect(median([3, 1, 2])).toBe(2);
      expect(median([4, 1, 3, 2])).toBe(2.5);
      expect(median([])).toBe(0);
    });
  });

  describe('assessRisk', () => {
    it('approves with score 0 when nothing is wrong', () =>
      expect(assessRisk(signals(), policy)).toEqual({ decision: 'approve', score: 0, reasons: [] }));
    it('approves an unknown account and merchant, saying so', () =>
      expect(assessRisk(signals({ account: undefined, merchant: undefined }), policy)).toEqual({
        decision: 'approve',
        score: 20,
        reasons: ['NO_HISTORY', 'UNKNOWN_MERCHANT'],
      }));
    it('reviews on velocity', () =>
      expect(assessRisk(signals({ recentAssessments: 5 }), policy)).toMatchObject({ decision: 'review', reasons: ['VELOCITY'] }));
    it('rejects when a rejecting and a reviewing reason meet, reporting both', () =>
      expect(assessRisk(signals({ account: account({ status: 'locked' }), recentAssessments: 9 }), policy)).toEqual({
        decision: 'reject',
        score: 100,
        reasons: ['ACCOUNT_LOCKED', 'VELOCITY'],
      }));
    it('rejects for a suspended merchant even when the account is unknown', () =>
      expect(assessRisk(signals({ account: undefined, merchant: { status: 'suspended' } }), policy)).toMatchObject({
        decision: 'reject',
        reasons: ['MERCHANT_SUSPENDED', 'NO_HISTORY'],
      }));
    it('adds the scores of several reviewing reasons', () =>
      expect(assessRisk(signals({ amount: 60_000, account: account({ addressChangedAt: hoursBefore(1) }) }), policy)).toEqual({
        decision: 'review',
        score: 100,
        reasons: ['UNUSUAL_AMOUNT', 'ADDRESS_CHANGE_LARGE_AMOUNT'],
      }));
  });
});
