import { projectionSpec } from '@app/testing';
import { FraudRiskProfiles1764000000300 } from '../../migrations/1764000000300-fraud-risk-profiles';
import { merchantProfiles } from './merchant-profile.projection';

const shop = '00000000-0000-4000-8000-0000000000c1';
const bankAccount = { iban: 'GB33BUKB20201555555555', bic: 'BUKBGB22' };

describe('merchantProfiles projection (Fraud)', () => {
  const spec = projectionSpec(merchantProfiles, { migrations: [FraudRiskProfiles1764000000300] });
  const onboarded = spec.event('MerchantOnboarded', { id: shop, name: 'Shop', country: 'GB', bankAccount });

  it('given an onboarded merchant, then it is active with no suspension and no bank change', () =>
    spec
      .given([onboarded])
      .thenRows([{ merchant_id: shop, status: 'active', suspension_reason: null, bank_account_changed_at: null, version: 1 }]));

  it('given a suspension, then the merchant is suspended with its reason', () =>
    spec
      .given([onboarded, spec.event('MerchantSuspended', { id: shop, reason: 'chargebacks' })])
      .thenRows([{ merchant_id: shop, status: 'suspended', suspension_reason: 'chargebacks', version: 2 }]));

  it('given a reinstatement after a suspension, then it is active again and the reason is gone', () =>
    spec
      .given([
        onboarded,
        spec.event('MerchantSuspended', { id: shop, reason: 'chargebacks' }),
        spec.event('MerchantReinstated', { id: shop }),
      ])
      .thenRows([{ merchant_id: shop, status: 'active', suspension_reason: null, version: 3 }]));

  it('given a bank account change, then the profile records when it happened', () =>
    spec
      .given([
        onboarded,
        spec.event(
          'BankAccountChanged',
          { id: shop, bankAccount: { iban: 'DE89370400440532013000', bic: 'COBADEFF' }, previousBankAccount: bankAccount },
          { occurredAt: '2026-02-03T04:05:06.000Z' },
        ),
      ])
      .thenRows([{ merchant_id: shop, bank_account_changed_at: '2026-02-03T04:05:06+00:00', version: 2 }]));
});
