import { Decider, DomainError, assertNever } from '@app/domain';
import { AccountCommand } from './account.commands';
import { AccountEvent, Address } from './account.events';

export interface AccountState {
  exists: boolean;
  id: string;
  country: string;
  address?: Address;
  limit: number;
  currency: string;
}

/** The largest limit an account may have, in minor units (issue #3 makes it configurable). */
export const MAX_LIMIT = 100_000_000;

const initialState = (): AccountState => ({ exists: false, id: '', country: '', limit: 0, currency: '' });

function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'OpenAccount': {
      if (state.exists) throw new DomainError('conflict', 'ACCOUNT_EXISTS', `Account ${command.data.id} already exists`);
      assertLimit(command.data.limit);
      return [{ type: 'AccountOpened', data: command.data }];
    }
    case 'UpdateLimit': {
      assertExists(state, command.data.id);
      assertLimit(command.data.newLimit);
      if (command.data.newLimit === state.limit) return [];
      return [{ type: 'LimitUpdated', data: { id: state.id, newLimit: command.data.newLimit, oldLimit: state.limit } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, exists: true, id: event.data.id, country: event.data.country, address: event.data.address, limit: event.data.limit, currency: event.data.currency };
    case 'LimitUpdated':
      return { ...state, limit: event.data.newLimit };
    default:
      return assertNever(event);
  }
}

function assertExists(state: AccountState, id: string): void {
  if (!state.exists) throw new DomainError('not-found', 'ACCOUNT_NOT_FOUND', `Account ${id} does not exist`);
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new DomainError('validation', 'INVALID_LIMIT', 'The limit must be a non-negative integer amount in minor units');
  }
  if (limit > MAX_LIMIT) throw new DomainError('limit', 'LIMIT_EXCEEDED', `The limit may not exceed ${MAX_LIMIT}`);
}

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = { initialState, decide, evolve };
