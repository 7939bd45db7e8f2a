import { assertNever } from '@app/domain';
import { AccountAddress, AccountEvent, AccountStatus } from './account.events';
import { PurchaseLedger, emptyLedger, findPurchase, recordPurchase } from './purchase-ledger';

/**
 * What the decider needs to know about an account, and nothing more: small, plain JSON (it is
 * what snapshots store) and derived only from the account's own events.
 */
export interface AccountState {
  exists: boolean;
  id: string;
  country: string;
  /** Snapshots taken before AddressUpdated v2 hold it without `country`, which then is the account's. */
  address?: AccountAddress;
  phoneNumbers: string[];
  limit: number;
  /** Available funds: the limit less the purchases not refunded. Negative after the limit drops below them. */
  balance: number;
  currency: string;
  status: AccountStatus;
  vip: boolean;
  purchases: PurchaseLedger;
}

export const initialAccountState = (): AccountState => ({
  exists: false,
  id: '',
  country: '',
  phoneNumbers: [],
  limit: 0,
  balance: 0,
  currency: '',
  status: 'active',
  vip: false,
  purchases: emptyLedger(),
});

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened': {
      const { id, country, address, phoneNumber, limit, currency } = event.data;
      return {
        ...initialAccountState(),
        exists: true,
        id,
        country,
        address,
        currency,
        limit,
        balance: limit,
        phoneNumbers: phoneNumber ? [phoneNumber] : [],
      };
    }
    case 'LimitUpdated':
    case 'LimitChanged':
      return { ...state, limit: event.data.newLimit, balance: state.balance + event.data.newLimit - event.data.oldLimit };
    case 'AddressUpdated': {
      const { street, city, postalCode, country } = event.data.address;
      return { ...state, address: { street, city, zip: postalCode, ...(country === null ? {} : { country }) } };
    }
    case 'PhoneNumberAdded':
      return { ...state, phoneNumbers: [...state.phoneNumbers, event.data.phoneNumber] };
    case 'StatusChanged':
      return { ...state, status: event.data.newStatus };
    case 'VipStatusGranted':
      return { ...state, vip: true };
    case 'VipStatusRevoked':
      return { ...state, vip: false };
    case 'ItemPurchased': {
      const { transactionId, amount, balanceAfter } = event.data;
      return { ...state, balance: balanceAfter, purchases: recordPurchase(state.purchases, { transactionId, amount, balanceAfter }) };
    }
    case 'PurchaseRefunded': {
      const { transactionId, balanceAfter } = event.data;
      // A refund of a purchase older than the ledger's window enters it as refunded, so a second refund is refused at once.
      const purchase = findPurchase(state.purchases, transactionId) ?? { transactionId, amount: event.data.amount };
      return {
        ...state,
        balance: balanceAfter,
        purchases: recordPurchase(state.purchases, { ...purchase, refundedBalanceAfter: balanceAfter }),
      };
    }
    default:
      return assertNever(event);
  }
}
