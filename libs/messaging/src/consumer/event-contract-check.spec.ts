import { EventEnvelope } from '@app/contracts';
import { checkEventContract } from './event-contract-check';

const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
const envelope = (type: string, schemaVersion: number, data: Record<string, unknown>): EventEnvelope => ({
  eventId: '6f1c1d4e-9a53-4f57-9a43-0d6f3f0a1b2c',
  type,
  schemaVersion,
  streamId: `account-${id}`,
  streamVersion: 3,
  globalPosition: '42',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data,
  metadata: {},
});
const postal = (street: string, country: string | null) => ({ street, city: 'York', postalCode: 'YO1', country });
const v1Address = (street: string) => ({ street, city: 'York', zip: 'YO1' });

describe('checkEventContract', () => {
  it('given an event valid for its current version, then it is handed on as it is', () => {
    const event = envelope('AddressUpdated', 2, { id, address: postal('b', 'GB'), previousAddress: postal('a', null) });
    expect(checkEventContract('account', event)).toBe(event);
  });

  it('given a valid older version (a dead letter replayed after an upgrade), then the handler gets it upcast', () => {
    const event = envelope('AddressUpdated', 1, { id, address: v1Address('b'), previousAddress: v1Address('a') });
    expect(checkEventContract('account', event)).toEqual({
      ...event,
      schemaVersion: 2,
      data: { id, address: postal('b', null), previousAddress: postal('a', null) },
    });
  });

  it('given a version newer than this consumer knows, then it is refused with UNSUPPORTED_SCHEMA_VERSION, not misread', () => {
    const event = envelope('AddressUpdated', 3, { id, address: postal('b', 'GB'), previousAddress: postal('a', 'GB') });
    expect(() => checkEventContract('account', event)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_SCHEMA_VERSION', message: expect.stringContaining('newer than the v2') }),
    );
  });

  it('given data that breaks its version’s schema, then SCHEMA_VIOLATION names the data and the schema path', () => {
    const v2AsV1 = envelope('AddressUpdated', 1, { id, address: postal('b', 'GB'), previousAddress: v1Address('a') });
    expect(() => checkEventContract('account', v2AsV1)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_VIOLATION',
        message: expect.stringContaining("data/address must have required property 'zip' (schema #/properties/address/required)"),
      }),
    );
    const negative = envelope('LimitUpdated', 1, { id, newLimit: -1, oldLimit: 0 });
    expect(() => checkEventContract('account', negative)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('data/newLimit') }),
    );
  });

  it('given a version below 1, then it is a schema violation', () => {
    expect(() => checkEventContract('account', envelope('LimitUpdated', 0, { id, newLimit: 1, oldLimit: 0 }))).toThrow(
      expect.objectContaining({ code: 'SCHEMA_VIOLATION' }),
    );
  });
});
