import { AccountCommand } from './account.commands';
import { AccountEvent, AccountOpened } from './account.events';

/** Shared given/when/then vocabulary for the account decider's specs. */
export const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'spec' };
export const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
export const address = { street: '1 Analytical St', city: 'London', zip: 'N1' };

export const opened = (limit = 1_000, extra: Partial<AccountOpened['data']> = {}): AccountOpened => ({
  type: 'AccountOpened',
  data: { id, name: 'Ada', lastName: 'Lovelace', country: 'GB', address, limit, currency: 'EUR', ...extra },
});

export const command = <T extends AccountCommand['type']>(
  type: T,
  data: Omit<Extract<AccountCommand, { type: T }>['data'], 'id'> = {} as never,
): AccountCommand => ({ type, data: { id, ...data }, metadata }) as AccountCommand;

export const purchase = (
  transactionId: string,
  amount: number,
  extra: { currency?: string; merchantId?: string; reference?: string } = {},
) => command('PurchaseItem', { transactionId, amount, currency: 'EUR', ...extra });

export const purchased = (
  transactionId: string,
  amount: number,
  balanceAfter: number,
  extra: { merchantId?: string; reference?: string } = {},
): AccountEvent => ({
  type: 'ItemPurchased',
  data: { id, transactionId, amount, currency: 'EUR', balanceAfter, ...extra },
});

export const refunded = (transactionId: string, amount: number, balanceAfter: number): AccountEvent => ({
  type: 'PurchaseRefunded',
  data: { id, transactionId, amount, currency: 'EUR', balanceAfter },
});

export const limitUpdated = (newLimit: number, oldLimit: number): AccountEvent => ({
  type: 'LimitUpdated',
  data: { id, newLimit, oldLimit },
});
export const locked: AccountEvent[] = [
  { type: 'LimitChanged', data: { id, newLimit: 0, oldLimit: 1_000 } },
  { type: 'StatusChanged', data: { id, oldStatus: 'active', newStatus: 'locked' } },
];
export const vipGranted: AccountEvent = { type: 'VipStatusGranted', data: { id } };
export const unlocked: AccountEvent = { type: 'StatusChanged', data: { id, oldStatus: 'locked', newStatus: 'active' } };
