import { DomainError } from '@app/domain';

/** A payout account: an IBAN in electronic format (no spaces, upper case) and its bank's BIC. */
export interface BankAccount {
  iban: string;
  bic: string;
}

/** IBAN lengths by country, from the SWIFT IBAN registry (ISO 13616). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 9362: bank (4 letters), country (2 letters), location (2), optional branch (3). */
const BIC_FORMAT = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** The IBAN in electronic format: the printed form's spaces removed, upper case. */
export const normaliseIban = (iban: string): string => iban.replace(/\s+/g, '').toUpperCase();

/** Why `iban` (electronic format) is not a valid IBAN, or undefined when it is. */
export function ibanProblem(iban: string): string | undefined {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) {
    return 'an IBAN is a country code, two check digits and 11 to 30 letters or digits';
  }
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return `${country} does not issue IBANs`;
  if (iban.length !== length) return `an IBAN of ${country} has ${length} characters, not ${iban.length}`;
  // 00, 01 and 99 satisfy mod-97 for the same account as 97, 98 and 02 but are never issued.
  const checkDigits = Number(iban.slice(2, 4));
  if (checkDigits < 2 || checkDigits > 98 || mod97(iban.slice(4) + iban.slice(0, 4)) !== 1) {
    return 'its check digits do not match (ISO 13616 mod-97)';
  }
  return undefined;
}

/** The remainder of the number spelled by `text` (letters count as 10..35) divided by 97, digit by digit. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = parseInt(char, 36);
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder;
}

/** Normalises and checks a bank account; throws INVALID_IBAN or INVALID_BIC (400). */
export function checkedBankAccount(raw: BankAccount): BankAccount {
  const iban = normaliseIban(raw.iban);
  const problem = ibanProblem(iban);
  if (problem) throw new DomainError('validation', 'INVALID_IBAN', `The IBAN is invalid: ${problem}`);
  const bic = raw.bic.trim().toUpperCase();
  if (!BIC_FORMAT.test(bic)) {
    throw new DomainError(
      'validation',
      'INVALID_BIC',
      'The BIC must have 8 or 11 characters: bank, country, location and an optional branch (ISO 9362)',
    );
  }
  return { iban, bic };
}

export const sameBankAccount = (a: BankAccount | undefined, b: BankAccount): boolean => a?.iban === b.iban && a?.bic === b.bic;
