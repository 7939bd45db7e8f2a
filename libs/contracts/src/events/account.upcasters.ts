import { Static } from '@sinclair/typebox';
import { AccountEventSchemas, AddressV1, PostalAddress } from './account.schemas';

type AddressUpdatedV1 = Static<(typeof AccountEventSchemas)['AddressUpdated'][1]>;
type AddressUpdatedV2 = Static<(typeof AccountEventSchemas)['AddressUpdated'][2]>;

/** v1 recorded no country of its own: null says so (the account's country applies), never a guess. */
const toPostalAddress = ({ street, city, zip }: Static<typeof AddressV1>): Static<typeof PostalAddress> => ({
  street,
  city,
  postalCode: zip,
  country: null,
});

/** AddressUpdated v1 → v2: `zip` becomes `postalCode`, and the address gains a `country`. */
export const addressUpdatedV1ToV2 = (data: AddressUpdatedV1): AddressUpdatedV2 => ({
  id: data.id,
  address: toPostalAddress(data.address),
  previousAddress: toPostalAddress(data.previousAddress),
});
