import { Decider, assertNever } from '@app/domain';
import { AccountCommand, PurchaseItem, RefundPurchase } from './account.commands';
import { AccountErrors } from './account.errors';
import { AccountAddress, AccountEvent, ItemPurchased, PostalAddress } from './account.events';
import { AccountState, evolveAccount, initialAccountState } from './account.state';
import { findPurchase } from './purchase-ledger';

export type { AccountState } from './account.state';

/** The largest limit an account may have by default, in minor units; ACCOUNT_MAX_LIMIT overrides it. */
export const DEFAULT_MAX_LIMIT = 100_000_000;
export const MAX_PHONE_NUMBERS = 10;

export interface AccountPolicy {
  maxLimit: number;
}

/**
 * The account aggregate. Rules worth knowing beyond the obvious:
 * - A command that would change nothing decides nothing (same limit, same address, a known phone
 *   number, locking a locked account, granting VIP twice), so retries are harmless.
 * - A locked account takes no purchase, no limit change and no VIP grant; refunds, address and
 *   phone changes still go through. Locking zeroes the limit and revokes VIP; unlocking restores
 *   the status only, so the limit stays 0 until it is set again.
 * - VIP is granted on request (GrantVipStatus) to an active account, and revoked by a lock.
 * - A purchase is idempotent by transactionId: the same id with the same amount decides nothing
 *   and answers the first purchase's balance; with another amount it is refused.
 * - A purchase is refunded whole, once.
 */
export function createAccountDecider(policy: AccountPolicy): Decider<AccountState, AccountCommand, AccountEvent> {
  function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
    if (command.type === 'OpenAccount') {
      if (state.exists) throw AccountErrors.exists(command.data.id);
      assertLimit(command.data.limit);
      return [{ type: 'AccountOpened', data: command.data }];
    }
    if (!state.exists) throw AccountErrors.notFound(command.data.id);
    const id = state.id;
    switch (command.type) {
      case 'UpdateLimit': {
        assertActive(state);
        assertLimit(command.data.newLimit);
        if (command.data.newLimit === state.limit) return [];
        return [{ type: 'LimitUpdated', data: { id, newLimit: command.data.newLimit, oldLimit: state.limit } }];
      }
      case 'UpdateAddress': {
        const previousAddress = postalAddress(state.address!, state);
        const address = postalAddress(
          { ...command.data.address, country: command.data.address.country ?? previousAddress.country! },
          state,
        );
        if (samePostalAddress(previousAddress, address)) return [];
        return [{ type: 'AddressUpdated', data: { id, address, previousAddress } }];
      }
      case 'AddPhoneNumber':
        if (state.phoneNumbers.includes(command.data.phoneNumber)) return [];
        if (state.phoneNumbers.length >= MAX_PHONE_NUMBERS) throw AccountErrors.tooManyPhoneNumbers(MAX_PHONE_NUMBERS);
        return [{ type: 'PhoneNumberAdded', data: { id, phoneNumber: command.data.phoneNumber } }];
      case 'LockAccount':
        if (state.status === 'locked') return [];
        return [
          ...(state.limit !== 0 ? [{ type: 'LimitChanged' as const, data: { id, newLimit: 0, oldLimit: state.limit } }] : []),
          { type: 'StatusChanged', data: { id, oldStatus: 'active', newStatus: 'locked' } },
          ...(state.vip ? [{ type: 'VipStatusRevoked' as const, data: { id } }] : []),
        ];
      case 'UnlockAccount':
        if (state.status === 'active') return [];
        return [{ type: 'StatusChanged', data: { id, oldStatus: 'locked', newStatus: 'active' } }];
      case 'GrantVipStatus':
        assertActive(state);
        return state.vip ? [] : [{ type: 'VipStatusGranted', data: { id } }];
      case 'PurchaseItem':
        return purchase(command, state);
      case 'RefundPurchase':
        return refund(command, state);
      default:
        return assertNever(command);
    }
  }

  function assertLimit(limit: number): void {
    if (!Number.isSafeInteger(limit) || limit < 0) throw AccountErrors.invalidLimit();
    if (limit > policy.maxLimit) throw AccountErrors.limitExceeded(policy.maxLimit);
  }

  return { initialState: initialAccountState, decide, evolve: evolveAccount };
}

function purchase(command: PurchaseItem, state: AccountState): AccountEvent[] {
  const { transactionId, amount, currency, merchantId, reference } = command.data;
  const earlier = findPurchase(state.purchases, transactionId) ?? command.data.recorded;
  if (earlier) {
    if (earlier.amount !== amount) throw AccountErrors.transactionIdReused(transactionId);
    return [];
  }
  if (!Number.isSafeInteger(amount)) throw AccountErrors.amountNotInteger();
  if (amount <= 0) throw AccountErrors.amountNotPositive();
  if (currency !== state.currency) throw AccountErrors.currencyMismatch(state.currency, currency);
  assertActive(state);
  if (amount > state.balance) throw AccountErrors.insufficientFunds(state.balance, amount);
  const data: ItemPurchased['data'] = { id: state.id, transactionId, amount, currency, balanceAfter: state.balance - amount };
  if (merchantId !== undefined) data.merchantId = merchantId;
  if (reference !== undefined) data.reference = reference;
  return [{ type: 'ItemPurchased', data }];
}

function refund(command: RefundPurchase, state: AccountState): AccountEvent[] {
  const { transactionId } = command.data;
  const purchased = findPurchase(state.purchases, transactionId) ?? command.data.recorded;
  if (!purchased) throw AccountErrors.transactionNotFound(transactionId);
  if (purchased.refundedBalanceAfter !== undefined) throw AccountErrors.alreadyRefunded(transactionId);
  const balanceAfter = state.balance + purchased.amount;
  return [
    { type: 'PurchaseRefunded', data: { id: state.id, transactionId, amount: purchased.amount, currency: state.currency, balanceAfter } },
  ];
}

function assertActive(state: AccountState): void {
  if (state.status === 'locked') throw AccountErrors.locked(state.id);
}

/** The v2 wire form of an address; one without a country of its own is in the account's country. */
const postalAddress = ({ street, city, zip, country }: AccountAddress, state: AccountState): PostalAddress => ({
  street,
  city,
  postalCode: zip,
  country: (country ?? state.country).toUpperCase(),
});

const samePostalAddress = (a: PostalAddress, b: PostalAddress): boolean =>
  a.street === b.street && a.city === b.city && a.postalCode === b.postalCode && a.country === b.country;

/** The account decider with the default policy. */
export const accountDecider = createAccountDecider({ maxLimit: DEFAULT_MAX_LIMIT });
