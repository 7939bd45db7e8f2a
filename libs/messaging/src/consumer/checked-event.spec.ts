import { EventEnvelope } from '@app/contracts';
import { Field, checkedEvent } from './checked-event';

const envelope = (data: unknown, occurredAt = '2026-01-01T10:00:00.000Z'): EventEnvelope<{ id: string; amount: number }> => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'ItemPurchased',
  schemaVersion: 1,
  streamId: 'account-1',
  streamVersion: 3,
  globalPosition: '7',
  occurredAt,
  data: data as { id: string; amount: number },
  metadata: {},
});
const fields = { id: Field.uuid, amount: Field.amount };

describe('checkedEvent', () => {
  it('given the agreed shape, hands over the data, when it happened and the version', () => {
    const data = { id: '9b2f7c1e-1111-4222-8333-444455556666', amount: 500 };
    expect(checkedEvent(envelope(data), fields)).toEqual({ data, occurredAt: '2026-01-01T10:00:00.000Z', version: 3 });
  });

  it('given broken fields and timestamp, names each of them in a permanent SCHEMA_VIOLATION', () => {
    expect(() => checkedEvent(envelope({ id: 'nope', amount: 12.5 }, 'yesterday'), fields)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_VIOLATION',
        message:
          'ItemPurchased account-1@3: data.id must be a uuid; data.amount must be a non-negative integer; occurredAt must be a timestamp',
      }),
    );
  });
});
