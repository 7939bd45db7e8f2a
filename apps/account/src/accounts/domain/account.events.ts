import { CatalogMatches } from '@app/contracts';
import { Message } from '@app/domain';

export interface Address {
  street: string;
  city: string;
  zip: string;
}

export type AccountStatus = 'active' | 'locked';

export type AccountOpened = Message<
  'AccountOpened',
  {
    id: string;
    name: string;
    lastName: string;
    country: string;
    address: Address;
    phoneNumber?: string;
    limit: number;
    currency: string;
  }
>;
export type LimitUpdated = Message<'LimitUpdated', { id: string; newLimit: number; oldLimit: number }>;
/** The limit moved as a side effect of another decision (a lock), not because it was asked for. */
export type LimitChanged = Message<'LimitChanged', { id: string; newLimit: number; oldLimit: number }>;
export type AddressUpdated = Message<'AddressUpdated', { id: string; address: Address; previousAddress: Address }>;
export type PhoneNumberAdded = Message<'PhoneNumberAdded', { id: string; phoneNumber: string }>;
export type StatusChanged = Message<'StatusChanged', { id: string; oldStatus: AccountStatus; newStatus: AccountStatus }>;
export type VipStatusGranted = Message<'VipStatusGranted', { id: string }>;
export type VipStatusRevoked = Message<'VipStatusRevoked', { id: string }>;
export type ItemPurchased = Message<
  'ItemPurchased',
  {
    id: string;
    transactionId: string;
    amount: number;
    currency: string;
    merchantId?: string;
    reference?: string;
    balanceAfter: number;
  }
>;
export type PurchaseRefunded = Message<
  'PurchaseRefunded',
  {
    id: string;
    transactionId: string;
    amount: number;
    currency: string;
    balanceAfter: number;
  }
>;

/** Every event of the account stream; wire names are these `type` strings (EventCatalog.account). */
export type AccountEvent =
  | AccountOpened
  | LimitUpdated
  | LimitChanged
  | AddressUpdated
  | PhoneNumberAdded
  | StatusChanged
  | VipStatusGranted
  | VipStatusRevoked
  | ItemPurchased
  | PurchaseRefunded;

/** Compiles only while EventCatalog.account lists exactly these wire names. */
export const accountWireNames: CatalogMatches<'account', AccountEvent> = true;
