import { CatalogMatches } from '@app/contracts';
import { Message } from '@app/domain';
import { BankAccount } from './bank-account';

export type MerchantOnboarded = Message<'MerchantOnboarded', { id: string; name: string; country: string; bankAccount: BankAccount }>;
export type BankAccountChanged = Message<'BankAccountChanged', { id: string; bankAccount: BankAccount; previousBankAccount: BankAccount }>;
export type MerchantSuspended = Message<'MerchantSuspended', { id: string; reason: string }>;
export type MerchantReinstated = Message<'MerchantReinstated', { id: string }>;

/** Every event of the merchant stream; wire names are these `type` strings. */
export type MerchantEvent = MerchantOnboarded | BankAccountChanged | MerchantSuspended | MerchantReinstated;

/** Compiles only while EventCatalog.merchant lists exactly these wire names. */
export const merchantWireNames: CatalogMatches<'merchant', MerchantEvent> = true;
