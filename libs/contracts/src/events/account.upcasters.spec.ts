import { Value } from '@sinclair/typebox/value';
import { AccountEventSchemas } from './account.schemas';
import { addressUpdatedV1ToV2 } from './account.upcasters';
import { upcast } from './upcasting';

const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
const v1 = {
  id,
  address: { street: '2 New Rd', city: 'York', zip: 'YO1' },
  previousAddress: { street: '1 Old Rd', city: 'Leeds', zip: 'LS1' },
};

describe('AddressUpdated v1 → v2', () => {
  it('given a v1 event, when upcast, then zip becomes postalCode and the country is null (never guessed)', () => {
    expect(addressUpdatedV1ToV2(v1)).toEqual({
      id,
      address: { street: '2 New Rd', city: 'York', postalCode: 'YO1', country: null },
      previousAddress: { street: '1 Old Rd', city: 'Leeds', postalCode: 'LS1', country: null },
    });
  });

  it('given any valid v1 event, when upcast, then the result is a valid v2 event', () => {
    expect(Value.Check(AccountEventSchemas.AddressUpdated[1], v1)).toBe(true);
    expect(Value.Check(AccountEventSchemas.AddressUpdated[2], addressUpdatedV1ToV2(v1))).toBe(true);
  });

  it('is pure: the stored v1 data is left as it was', () => {
    const stored = structuredClone(v1);
    addressUpdatedV1ToV2(stored);
    expect(stored).toEqual(v1);
  });
});

describe('upcast', () => {
  it('given a stored v1 AddressUpdated, then the chain brings it to the current v2', () => {
    expect(upcast('account', 'AddressUpdated', 1, v1)).toEqual({ schemaVersion: 2, data: addressUpdatedV1ToV2(v1) });
  });

  it('given an event already at the current version, then its data is returned as it is', () => {
    const data = { id, newLimit: 1, oldLimit: 0 };
    expect(upcast('account', 'LimitUpdated', 1, data)).toEqual({ schemaVersion: 1, data });
  });
});
