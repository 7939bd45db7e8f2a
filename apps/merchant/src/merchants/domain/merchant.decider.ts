import { Decider, DomainError, assertNever } from '@app/domain';
import { BankAccount, checkedBankAccount, sameBankAccount } from './bank-account';
import { MerchantCommand } from './merchant.commands';
import { MerchantEvent } from './merchant.events';

export type MerchantStatus = 'active' | 'suspended';

export interface MerchantState {
  exists: boolean;
  id: string;
  name: string;
  country: string;
  bankAccount?: BankAccount;
  status: MerchantStatus;
  suspensionReason?: string;
}

/** The reason recorded when an operator suspends a merchant without giving one. */
export const UNSPECIFIED_REASON = 'unspecified';

const initialState = (): MerchantState => ({ exists: false, id: '', name: '', country: '', status: 'active' });

function decide(command: MerchantCommand, state: MerchantState): MerchantEvent[] {
  switch (command.type) {
    case 'OnboardMerchant': {
      if (state.exists) throw new DomainError('conflict', 'MERCHANT_EXISTS', `Merchant ${command.data.id} already exists`);
      const name = command.data.name.trim();
      if (!name) throw new DomainError('validation', 'INVALID_NAME', 'The merchant name must not be blank');
      if (!/^[A-Z]{2}$/.test(command.data.country)) {
        throw new DomainError('validation', 'INVALID_COUNTRY', 'The country must be an ISO 3166-1 alpha-2 code');
      }
      const bankAccount = checkedBankAccount(command.data.bankAccount);
      return [{ type: 'MerchantOnboarded', data: { id: command.data.id, name, country: command.data.country, bankAccount } }];
    }
    case 'ChangeBankAccount': {
      assertExists(state, command.data.id);
      const bankAccount = checkedBankAccount(command.data.bankAccount);
      // A retried request (or one that only reformats the IBAN) changes nothing.
      if (sameBankAccount(state.bankAccount, bankAccount)) return [];
      return [{ type: 'BankAccountChanged', data: { id: state.id, bankAccount, previousBankAccount: state.bankAccount! } }];
    }
    case 'SuspendMerchant': {
      assertExists(state, command.data.id);
      if (state.status === 'suspended') return [];
      const reason = command.data.reason?.trim() || UNSPECIFIED_REASON;
      return [{ type: 'MerchantSuspended', data: { id: state.id, reason } }];
    }
    case 'ReinstateMerchant': {
      assertExists(state, command.data.id);
      if (state.status === 'active') return [];
      return [{ type: 'MerchantReinstated', data: { id: state.id } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: MerchantState, event: MerchantEvent): MerchantState {
  switch (event.type) {
    case 'MerchantOnboarded': {
      const { id, name, country, bankAccount } = event.data;
      return { ...state, exists: true, id, name, country, bankAccount, status: 'active' };
    }
    case 'BankAccountChanged':
      return { ...state, bankAccount: event.data.bankAccount };
    case 'MerchantSuspended':
      return { ...state, status: 'suspended', suspensionReason: event.data.reason };
    case 'MerchantReinstated':
      return { ...state, status: 'active', suspensionReason: undefined };
    default:
      return assertNever(event);
  }
}

function assertExists(state: MerchantState, id: string): void {
  if (!state.exists) throw new DomainError('not-found', 'MERCHANT_NOT_FOUND', `Merchant ${id} does not exist`);
}

export const merchantDecider: Decider<MerchantState, MerchantCommand, MerchantEvent> = { initialState, decide, evolve };
