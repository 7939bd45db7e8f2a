import { NewerSchemaVersionError, upcastRecorded } from './upcast-recorded';
import { RecordedEvent } from './recorded-event';

const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  streamId: `account-${id}`,
  streamVersion: 2,
  globalPosition: '7',
  type,
  schemaVersion,
  data,
  metadata: { actor: 'spec' },
  recordedAt: new Date(0),
});

describe('upcastRecorded', () => {
  it('given a stored v1 AddressUpdated, when read, then the decider sees v2', () => {
    const v1 = stored('AddressUpdated', 1, {
      id,
      address: { street: 'b', city: 'c', zip: '2' },
      previousAddress: { street: 'a', city: 'c', zip: '1' },
    });
    expect(upcastRecorded('account', v1)).toEqual({
      ...v1,
      schemaVersion: 2,
      data: {
        id,
        address: { street: 'b', city: 'c', postalCode: '2', country: null },
        previousAddress: { street: 'a', city: 'c', postalCode: '1', country: null },
      },
    });
  });

  it('given an event at the current version, then it is returned untouched (no copy on the hot path)', () => {
    const current = stored('LimitUpdated', 1, { id, newLimit: 1, oldLimit: 2 });
    expect(upcastRecorded('account', current)).toBe(current);
  });

  it('given a version newer than this release knows, then reading refuses instead of misreading', () => {
    expect(() => upcastRecorded('account', stored('AddressUpdated', 3, {}))).toThrow(NewerSchemaVersionError);
  });

  it('given a type the contracts do not list (a test store), then it passes as it is', () => {
    const own = stored('Deposited', 1, { amount: 1 });
    expect(upcastRecorded('wallet_test', own)).toBe(own);
  });
});
