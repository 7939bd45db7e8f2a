import { CatalogMatches, EventData, EventTypeOf } from '@app/contracts';
import { Message } from '@app/domain';

/** The data of each account event is defined once, as its published schema (libs/contracts EventSchemas). */
type Data<T extends EventTypeOf<'account'>> = EventData<'account', T>;

/** The address an account is opened with. */
export type Address = Data<'AccountOpened'>['address'];
/** An address as the account knows it: without a country of its own, it is in the account's country. */
export type AccountAddress = Address & { country?: string };
/** The structured address of AddressUpdated v2; `country` null only in an upcast v1 event. */
export type PostalAddress = Data<'AddressUpdated'>['address'];

export type AccountStatus = Data<'StatusChanged'>['newStatus'];

export type AccountOpened = Message<'AccountOpened', Data<'AccountOpened'>>;
export type LimitUpdated = Message<'LimitUpdated', Data<'LimitUpdated'>>;
/** The limit moved as a side effect of another decision (a lock), not because it was asked for. */
export type LimitChanged = Message<'LimitChanged', Data<'LimitChanged'>>;
export type AddressUpdated = Message<'AddressUpdated', Data<'AddressUpdated'>>;
export type PhoneNumberAdded = Message<'PhoneNumberAdded', Data<'PhoneNumberAdded'>>;
export type StatusChanged = Message<'StatusChanged', Data<'StatusChanged'>>;
export type VipStatusGranted = Message<'VipStatusGranted', Data<'VipStatusGranted'>>;
export type VipStatusRevoked = Message<'VipStatusRevoked', Data<'VipStatusRevoked'>>;
export type ItemPurchased = Message<'ItemPurchased', Data<'ItemPurchased'>>;
export type PurchaseRefunded = Message<'PurchaseRefunded', Data<'PurchaseRefunded'>>;

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
