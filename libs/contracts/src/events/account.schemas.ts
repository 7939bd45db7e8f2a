import { Type } from '@sinclair/typebox';
import { Amount, Balance, CountryCode, Currency, Id, OptionalText, Text, Uuid } from './schema-kit';

/** The address of AccountOpened and of AddressUpdated v1. */
export const AddressV1 = Type.Object({ street: Text, city: Text, zip: Text });

/**
 * The structured address of AddressUpdated v2: `postalCode` (v1's `zip`) and the address's own
 * `country`. `country` is null only in an upcast v1 event, which never recorded it: the address
 * is then in the country the account already had.
 */
export const PostalAddress = Type.Object({
  street: Text,
  city: Text,
  postalCode: Text,
  country: Type.Union([CountryCode, Type.Null()]),
});

const Limit = Type.Object({ id: Uuid, newLimit: Amount, oldLimit: Amount });
const Status = Type.Union([Type.Literal('active'), Type.Literal('locked')]);

/** The data of every version of every account event; the latest version of each is what the decider emits. */
export const AccountEventSchemas = {
  AccountOpened: {
    1: Type.Object({
      id: Uuid,
      name: Text,
      lastName: Text,
      country: CountryCode,
      address: AddressV1,
      phoneNumber: OptionalText,
      limit: Amount,
      currency: Currency,
    }),
  },
  LimitUpdated: { 1: Limit },
  LimitChanged: { 1: Limit },
  AddressUpdated: {
    1: Type.Object({ id: Uuid, address: AddressV1, previousAddress: AddressV1 }),
    2: Type.Object({ id: Uuid, address: PostalAddress, previousAddress: PostalAddress }),
  },
  PhoneNumberAdded: { 1: Type.Object({ id: Uuid, phoneNumber: Text }) },
  StatusChanged: { 1: Type.Object({ id: Uuid, oldStatus: Status, newStatus: Status }) },
  VipStatusGranted: { 1: Type.Object({ id: Uuid }) },
  VipStatusRevoked: { 1: Type.Object({ id: Uuid }) },
  ItemPurchased: {
    1: Type.Object({
      id: Uuid,
      transactionId: Id,
      amount: Amount,
      currency: Currency,
      merchantId: OptionalText,
      reference: OptionalText,
      balanceAfter: Balance,
    }),
  },
  PurchaseRefunded: {
    1: Type.Object({ id: Uuid, transactionId: Id, amount: Amount, currency: Currency, balanceAfter: Balance }),
  },
} as const;
