import { deciderSpec } from '@app/testing';
import { AccountCommand } from './account.commands';
import { AccountOpened } from './account.events';
import { MAX_LIMIT, accountDecider } from './account.decider';

const spec = deciderSpec(accountDecider);
const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'spec' };
const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
const opened: AccountOpened = {
  type: 'AccountOpened',
  data: { id, name: 'Ada', lastName: 'Lovelace', country: 'GB', address: { street: '1 Analytical St', city: 'London', zip: 'N1' }, limit: 1_000, currency: 'EUR' },
};
const open = (limit = 1_000): AccountCommand => ({ type: 'OpenAccount', data: { ...opened.data, limit }, metadata });
const updateLimit = (newLimit: number): AccountCommand => ({ type: 'UpdateLimit', data: { id, newLimit }, metadata });

describe('account decider', () => {
  it('opens an account', () => spec.given([]).when(open()).then([opened]));
  it('refuses to open the same account twice', () => spec.given([opened]).when(open()).thenThrows('ACCOUNT_EXISTS'));
  it('updates the limit with the old one', () =>
    spec.given([opened]).when(updateLimit(700)).then([{ type: 'LimitUpdated', data: { id, newLimit: 700, oldLimit: 1_000 } }]));
  it('decides nothing when the limit is unchanged', () => spec.given([opened]).when(updateLimit(1_000)).then([]));
  it('refuses a limit above the maximum', () => spec.given([opened]).when(updateLimit(MAX_LIMIT + 1)).thenThrows('LIMIT_EXCEEDED'));
  it('refuses a negative limit', () => spec.given([opened]).when(updateLimit(-1)).thenThrows('INVALID_LIMIT'));
  it('refuses to update an account that does not exist', () => spec.given([]).when(updateLimit(5)).thenThrows('ACCOUNT_NOT_FOUND'));
  it('reflects the new limit in state', () =>
    spec.given([opened]).when(updateLimit(300)).thenState((state) => expect(state.limit).toBe(300)));
});
