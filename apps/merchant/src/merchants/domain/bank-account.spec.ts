import { DomainError } from '@app/domain';
import { checkedBankAccount, ibanProblem, normaliseIban } from './bank-account';

describe('IBAN check (ISO 13616)', () => {
  it.each([
    'GB82WEST12345698765432',
    'DE89370400440532013000',
    'NL91ABNA0417164300',
    'FR1420041010050500013M02606',
    'BE68539007547034',
    'CH9300762011623852957',
    'NO9386011117947',
    'MT84MALT011000012345MTLCAST001S',
  ])('accepts %s', (iban) => expect(ibanProblem(iban)).toBeUndefined());

  it('refuses a single mistyped digit by its checksum', () => expect(ibanProblem('GB82WEST12345698765431')).toMatch(/mod-97/));
  it('refuses swapped neighbouring digits by its checksum', () =>
    expect(ibanProblem('DE89370400440532013000'.replace('0532', '0523'))).toMatch(/mod-97/));
  it('refuses check digits 99 and 01, which pass mod-97 where 02 and 98 do but are never issued', () => {
    expect(ibanProblem('GB02BARC20201530093063')).toBeUndefined();
    expect(ibanProblem('GB99BARC20201530093063')).toMatch(/check digits/);
    expect(ibanProblem('DE98370400440532013032')).toBeUndefined();
    expect(ibanProblem('DE01370400440532013032')).toMatch(/check digits/);
  });
  it('refuses the wrong length for the country', () => expect(ibanProblem('DE8937040044053201300')).toMatch(/22 characters/));
  it('refuses a country that issues no IBANs', () => expect(ibanProblem('US64SVBKUS6S3300958879')).toMatch(/US does not issue/));
  it('refuses anything not shaped like an IBAN', () => {
    expect(ibanProblem('')).toBeDefined();
    expect(ibanProblem('GBXXWEST12345698765432')).toBeDefined();
    expect(ibanProblem('GB82-WEST-1234-5698-7654-32')).toBeDefined();
  });
  it('normalises the printed form to the electronic one', () =>
    expect(normaliseIban(' gb82 west 1234 5698 7654 32 ')).toBe('GB82WEST12345698765432'));
});

describe('bank account check', () => {
  const codeOf = (run: () => unknown): string | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      return error instanceof DomainError ? error.code : 'NOT_A_DOMAIN_ERROR';
    }
  };

  it('normalises IBAN and BIC', () =>
    expect(checkedBankAccount({ iban: 'gb82 west 1234 5698 7654 32', bic: ' nwbkgb2l ' })).toEqual({
      iban: 'GB82WEST12345698765432',
      bic: 'NWBKGB2L',
    }));
  it('accepts an 11-character BIC with a branch', () =>
    expect(checkedBankAccount({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }).bic).toBe('COBADEFFXXX'));
  it('refuses a bad IBAN with INVALID_IBAN', () =>
    expect(codeOf(() => checkedBankAccount({ iban: 'GB82WEST12345698765431', bic: 'NWBKGB2L' }))).toBe('INVALID_IBAN'));
  it.each(['NWBKGB2', 'NWBKGB2LX', 'NWB1GB2L', 'NWBK122L', ''])('refuses the BIC "%s" with INVALID_BIC', (bic) =>
    expect(codeOf(() => checkedBankAccount({ iban: 'GB82WEST12345698765432', bic }))).toBe('INVALID_BIC'),
  );
});
