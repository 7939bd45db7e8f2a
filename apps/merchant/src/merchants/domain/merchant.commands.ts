import { Command } from '@app/domain';
import { BankAccount } from './bank-account';

export type OnboardMerchant = Command<'OnboardMerchant', { id: string; name: string; country: string; bankAccount: BankAccount }>;
export type ChangeBankAccount = Command<'ChangeBankAccount', { id: string; bankAccount: BankAccount }>;
export type SuspendMerchant = Command<'SuspendMerchant', { id: string; reason?: string }>;
export type ReinstateMerchant = Command<'ReinstateMerchant', { id: string }>;

export type MerchantCommand = OnboardMerchant | ChangeBankAccount | SuspendMerchant | ReinstateMerchant;
