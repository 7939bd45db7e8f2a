import { deciderSpec } from '@app/decider-spec';
import { MerchantCommand } from './merchant.commands';
import { UNSPECIFIED_REASON, merchantDecider } from './merchant.decider';
import { MerchantEvent, MerchantOnboarded } from './merchant.events';

const spec = deciderSpec(merchantDecider);
const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'spec' };
const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const account = { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' };
const otherAccount = { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' };

const onboarded: MerchantOnboarded = {
  type: 'MerchantOnboarded',
  data: { id, name: 'Lovelace Books', country: 'GB', bankAccount: account },
};
const suspended: MerchantEvent = { type: 'MerchantSuspended', data: { id, reason: 'chargebacks' } };
const reinstated: MerchantEvent = { type: 'MerchantReinstated', data: { id } };

const onboard = (overrides: Partial<MerchantOnboarded['data']> = {}): MerchantCommand => ({
  type: 'OnboardMerchant',
  data: { ...onboarded.data, ...overrides },
  metadata,
});
const changeBankAccount = (bankAccount = otherAccount): MerchantCommand => ({
  type: 'ChangeBankAccount',
  data: { id, bankAccount },
  metadata,
});
const suspend = (reason?: string): MerchantCommand => ({ type: 'SuspendMerchant', data: { id, reason }, metadata });
const reinstate = (): MerchantCommand => ({ type: 'ReinstateMerchant', data: { id }, metadata });

describe('merchant decider', () => {
  describe('OnboardMerchant', () => {
    it('onboards a merchant', () => spec.given([]).when(onboard()).then([onboarded]));
    it('records the IBAN and BIC in electronic format and the name trimmed', () =>
      spec
        .given([])
        .when(onboard({ name: '  Lovelace Books ', bankAccount: { iban: 'gb82 west 1234 5698 7654 32', bic: 'nwbkgb2l' } }))
        .then([onboarded]));
    it('refuses an IBAN whose checksum fails', () =>
      spec
        .given([])
        .when(onboard({ bankAccount: { ...account, iban: 'GB82WEST12345698765431' } }))
        .thenThrows('INVALID_IBAN'));
    it('refuses a malformed BIC', () =>
      spec
        .given([])
        .when(onboard({ bankAccount: { ...account, bic: 'NWBK' } }))
        .thenThrows('INVALID_BIC'));
    it('refuses a blank name', () =>
      spec
        .given([])
        .when(onboard({ name: '   ' }))
        .thenThrows('INVALID_NAME'));
    it('refuses a country that is not ISO 3166-1 alpha-2', () =>
      spec
        .given([])
        .when(onboard({ country: 'gbr' }))
        .thenThrows('INVALID_COUNTRY'));
    it('refuses to onboard the same merchant twice', () => spec.given([onboarded]).when(onboard()).thenThrows('MERCHANT_EXISTS'));
    it('starts active', () =>
      spec
        .given([])
        .when(onboard())
        .thenState((state) => expect(state.status).toBe('active')));
  });

  describe('ChangeBankAccount', () => {
    it('changes the bank account, recording the previous one', () =>
      spec
        .given([onboarded])
        .when(changeBankAccount())
        .then([{ type: 'BankAccountChanged', data: { id, bankAccount: otherAccount, previousBankAccount: account } }]));
    it('decides nothing when the account is the same, however it is printed', () =>
      spec
        .given([onboarded])
        .when(changeBankAccount({ iban: 'GB82 WEST 1234 5698 7654 32', bic: 'nwbkgb2l' }))
        .then([]));
    it('refuses an IBAN whose checksum fails', () =>
      spec
        .given([onboarded])
        .when(changeBankAccount({ ...otherAccount, iban: 'DE89370400440532013001' }))
        .thenThrows('INVALID_IBAN'));
    it('refuses a malformed BIC', () =>
      spec
        .given([onboarded])
        .when(changeBankAccount({ ...otherAccount, bic: 'COBA DE FF' }))
        .thenThrows('INVALID_BIC'));
    it('refuses an unknown merchant', () => spec.given([]).when(changeBankAccount()).thenThrows('MERCHANT_NOT_FOUND'));
    it('is allowed while suspended, so a merchant can fix its payout account', () =>
      spec
        .given([onboarded, suspended])
        .when(changeBankAccount())
        .thenState((state) => expect(state.bankAccount).toEqual(otherAccount)));
  });

  describe('SuspendMerchant', () => {
    it('suspends with the reason given', () => spec.given([onboarded]).when(suspend('chargebacks')).then([suspended]));
    it('records an unspecified reason when none is given', () =>
      spec
        .given([onboarded])
        .when(suspend('  '))
        .then([{ type: 'MerchantSuspended', data: { id, reason: UNSPECIFIED_REASON } }]));
    it('decides nothing when already suspended', () => spec.given([onboarded, suspended]).when(suspend('again')).then([]));
    it('refuses an unknown merchant', () => spec.given([]).when(suspend()).thenThrows('MERCHANT_NOT_FOUND'));
    it('leaves the merchant suspended', () =>
      spec
        .given([onboarded])
        .when(suspend('fraud'))
        .thenState((state) => expect(state).toMatchObject({ status: 'suspended', suspensionReason: 'fraud' })));
  });

  describe('ReinstateMerchant', () => {
    it('reinstates a suspended merchant', () => spec.given([onboarded, suspended]).when(reinstate()).then([reinstated]));
    it('decides nothing for an active merchant', () => spec.given([onboarded, suspended, reinstated]).when(reinstate()).then([]));
    it('refuses an unknown merchant', () => spec.given([]).when(reinstate()).thenThrows('MERCHANT_NOT_FOUND'));
    it('leaves the merchant active', () =>
      spec
        .given([onboarded, suspended])
        .when(reinstate())
        .thenState((state) => expect(state.status).toBe('active')));
  });
});
