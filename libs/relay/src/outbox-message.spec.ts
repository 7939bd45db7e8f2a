import { OutboxRow } from './subscription-store';
import { rebuildMessage, toOutgoingMessage, toOutgoingMessages } from './outbox-message';

const row = (overrides: Partial<OutboxRow> = {}): OutboxRow => ({
  global_position: '9007199254740993',
  transaction_id: '1234',
  event_id: '6f1c1d4e-9a53-4f57-9a43-0d6f3f0a1b2c',
  stream_id: 'account-"quoted"',
  stream_version: 3,
  previous_version: 1,
  append_index: 2,
  append_count: 3,
  type: 'LimitUpdated',
  schema_version: 2,
  data: '{"id": "a", "note": "ünïcødé \\"quote\\" \\n"}',
  metadata: '{"causationId": "k", "correlationId": "c"}',
  correlation_id: 'c',
  causation_id: 'k',
  occurred_at: '2026-02-03T04:05:06.789Z',
  recorded_epoch_seconds: Math.floor(Date.parse('2026-02-03T04:05:06.789Z') / 1000),
  ...overrides,
});

describe('toOutgoingMessage', () => {
  it('builds the contract envelope from the stored JSON text, positions as strings', () => {
    const message = toOutgoingMessage('account', row());
    expect(JSON.parse(message.content.toString())).toEqual({
      eventId: '6f1c1d4e-9a53-4f57-9a43-0d6f3f0a1b2c',
      type: 'LimitUpdated',
      schemaVersion: 2,
      streamId: 'account-"quoted"',
      streamVersion: 3,
      globalPosition: '9007199254740993',
      occurredAt: '2026-02-03T04:05:06.789Z',
      data: { id: 'a', note: 'ünïcødé "quote" \n' },
      metadata: { causationId: 'k', correlationId: 'c' },
    });
  });

  it('sets the AMQP properties and headers consumers rely on', () => {
    expect(toOutgoingMessage('account', row()).options).toEqual({
      messageId: '6f1c1d4e-9a53-4f57-9a43-0d6f3f0a1b2c',
      type: 'LimitUpdated',
      contentType: 'application/json',
      timestamp: Math.floor(Date.parse('2026-02-03T04:05:06.789Z') / 1000),
      persistent: true,
      mandatory: true,
      headers: {
        'x-producer': 'account',
        'x-stream-id': 'account-"quoted"',
        'x-stream-version': 3,
        'x-previous-stream-version': 1,
        'x-global-position': '9007199254740993',
        'x-transaction-id': '1234',
        'x-append-index': 2,
        'x-append-count': 3,
        'x-correlation-id': 'c',
        'x-causation-id': 'k',
        'x-schema-version': 2,
      },
    });
  });

  it('leaves out correlation headers the event does not have', () => {
    const { headers } = toOutgoingMessage('account', row({ correlation_id: null, causation_id: null })).options;
    expect(headers!['x-correlation-id']).toBeUndefined();
    expect(headers!['x-causation-id']).toBeUndefined();
  });
});

describe('toOutgoingMessages', () => {
  it('builds the messages of one read once for every destination that shares it', () => {
    const rows = [row(), row({ stream_version: 4 })];
    const messages = toOutgoingMessages('account', rows);
    expect(messages.map((m) => m.options.headers!['x-stream-version'])).toEqual([3, 4]);
    expect(toOutgoingMessages('account', rows)).toBe(messages);
    expect(toOutgoingMessages('account', [...rows])).not.toBe(messages);
  });
});

describe('rebuildMessage', () => {
  it('is a control envelope naming the queue, marked in its headers', () => {
    const message = rebuildMessage('account', 'fraud.account-events');
    expect(JSON.parse(message.content.toString())).toMatchObject({
      eventId: message.options.messageId,
      type: '$rebuild',
      streamVersion: 0,
      globalPosition: '0',
      data: { queue: 'fraud.account-events' },
    });
    expect(message.options.headers).toEqual({ 'x-producer': 'account', 'x-control': '$rebuild' });
  });
});

describe('toOutgoingMessage: schema versions', () => {
  const id = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
  const v1 = {
    id,
    address: { street: 'b', city: 'c', zip: '2' },
    previousAddress: { street: 'a', city: 'c', zip: '1' },
  };

  it('given a stored v1 AddressUpdated, then the consumer is sent v2, in the body and the header', () => {
    const message = toOutgoingMessage('account', row({ type: 'AddressUpdated', schema_version: 1, data: JSON.stringify(v1) }));
    const body = JSON.parse(message.content.toString());
    expect(body.schemaVersion).toBe(2);
    expect(body.data).toEqual({
      id,
      address: { street: 'b', city: 'c', postalCode: '2', country: null },
      previousAddress: { street: 'a', city: 'c', postalCode: '1', country: null },
    });
    expect(message.options.headers?.['x-schema-version']).toBe(2);
  });

  it('given an event at its current version, then its stored JSON text is sent as it is', () => {
    const data = '{"id": "a",   "newLimit": 1, "oldLimit": 2}';
    const message = toOutgoingMessage('account', row({ type: 'LimitUpdated', schema_version: 1, data }));
    expect(message.content.toString()).toContain(`"data":${data}`);
  });
});
