import { Message } from '@app/domain';

export interface Address {
  street: string;
  city: string;
  zip: string;
}

export type AccountOpened = Message<'AccountOpened', {
  id: string;
  name: string;
  lastName: string;
  country: string;
  address: Address;
  phoneNumber?: string;
  limit: number;
  currency: string;
}>;
export type LimitUpdated = Message<'LimitUpdated', { id: string; newLimit: number; oldLimit: number }>;

/** Every event of the account stream; wire names are these `type` strings. */
export type AccountEvent = AccountOpened | LimitUpdated;
