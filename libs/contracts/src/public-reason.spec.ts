import { PUBLIC_OUTCOMES, publicReasonOf } from './public-reason';

describe('publicReasonOf', () => {
  it.each([
    ['INSUFFICIENT_FUNDS', 'insufficient_funds'],
    ['ACCOUNT_LOCKED', 'account_locked'],
    ['ACCOUNT_NOT_FOUND', 'account_not_found'],
    ['CURRENCY_MISMATCH', 'currency_mismatch'],
    ['MERCHANT_SUSPENDED', 'merchant_suspended'],
    ['MERCHANT_NOT_FOUND', 'merchant_suspended'],
    ['AUTHORISATION_DECLINED', 'declined'],
    ['CHARGE_DECLINED', 'declined'],
    ['DEADLINE_EXCEEDED', 'provider_unavailable'],
    ['CAPTURE_FAILED', 'provider_unavailable'],
    ['OPERATOR_COMPENSATED', 'cancelled'],
    ['TRANSACTION_CANCELLED', 'cancelled'],
  ])('given the internal reason %s, when mapped, then the merchant reads %s', (internal, expected) => {
    expect(publicReasonOf(internal)).toBe(expected);
  });

  it('given a fraud verdict, when mapped, then it is a plain decline that names no rule and no review', () => {
    expect([publicReasonOf('FRAUD_REJECTED'), publicReasonOf('FRAUD_REVIEW')]).toEqual(['declined', 'declined']);
  });

  it("given a provider's status in the reason, when mapped, then the merchant reads provider_unavailable, not the status", () => {
    expect(['CAPTURE_503', 'AUTHORISATION_NOT_FOUND', 'AUTHORISATION_PENDING'].map(publicReasonOf)).toEqual([
      'provider_unavailable',
      'provider_unavailable',
      'provider_unavailable',
    ]);
  });

  it('given a reason no one mapped yet, when mapped, then it is processing_error and never passed through', () => {
    expect(publicReasonOf('SOME_NEW_RULE_X7')).toBe('processing_error');
    expect(publicReasonOf('connect ECONNREFUSED 10.0.0.7:3001')).toBe('processing_error');
    expect(publicReasonOf('toString')).toBe('processing_error');
    expect(publicReasonOf(undefined)).toBe('processing_error');
  });

  it('given any reason, when mapped, then the code is one of the closed, documented set', () => {
    const reasons = ['INSUFFICIENT_FUNDS', 'FRAUD_REVIEW', 'CAPTURE_502', 'OPERATOR_COMPENSATED', 'x', ''];
    for (const reason of reasons) expect(PUBLIC_OUTCOMES).toContain(publicReasonOf(reason));
  });
});
