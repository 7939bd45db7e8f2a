import { Type } from '@sinclair/typebox';
import { CountryCode, Text, Uuid } from './schema-kit';

const BankAccount = Type.Object({ iban: Text, bic: Text });

/** The data of every version of every merchant event. */
export const MerchantEventSchemas = {
  MerchantOnboarded: { 1: Type.Object({ id: Uuid, name: Text, country: CountryCode, bankAccount: BankAccount }) },
  BankAccountChanged: { 1: Type.Object({ id: Uuid, bankAccount: BankAccount, previousBankAccount: BankAccount }) },
  MerchantSuspended: { 1: Type.Object({ id: Uuid, reason: Type.String() }) },
  MerchantReinstated: { 1: Type.Object({ id: Uuid }) },
} as const;
