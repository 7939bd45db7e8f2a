import { toDeadLetterRecord } from './dead-letter-record';

const RECEIVED_AT = '2025-03-01T10:00:00.000Z';

describe('toDeadLetterRecord', () => {
  it('reads the failure the consumer described in its x- headers', () => {
    const record = toDeadLetterRecord(
      'fraud.account-events.dlq',
      {
        content: Buffer.from('{"type":"LimitUpdated"}'),
        properties: {
          messageId: 'e-1',
          type: 'LimitUpdated',
          contentType: 'application/json',
          timestamp: 1_700_000_000,
          headers: {
            'x-original-queue': 'fraud.account-events',
            'x-attempts': 5,
            'x-error-code': 'OUT_OF_ORDER',
            'x-error-message': 'version 2 arrived before version 1',
            'x-first-failed-at': '2025-03-01T09:00:00.000Z',
            'x-last-failed-at': '2025-03-01T09:00:03.000Z',
            'x-stream-version': 2,
          },
        },
      },
      RECEIVED_AT,
    );

    expect(record).toEqual({
      queue: 'fraud.account-events',
      messageId: 'e-1',
      type: 'LimitUpdated',
      headers: expect.objectContaining({ 'x-stream-version': 2, 'x-error-code': 'OUT_OF_ORDER' }),
      properties: { type: 'LimitUpdated', contentType: 'application/json', timestamp: 1_700_000_000 },
      body: Buffer.from('{"type":"LimitUpdated"}'),
      errorCode: 'OUT_OF_ORDER',
      errorMessage: 'version 2 arrived before version 1',
      attempts: 5,
      firstFailedAt: '2025-03-01T09:00:00.000Z',
      lastFailedAt: '2025-03-01T09:00:03.000Z',
    });
  });

  it('takes the queue from the DLQ it was drained from, never from a header', () => {
    const record = toDeadLetterRecord(
      'ops.fraud-events.dlq',
      {
        content: Buffer.from('x'),
        properties: { messageId: 'm', headers: { 'x-original-queue': 'merchant.checkout-events' } },
      },
      RECEIVED_AT,
    );
    expect(record.queue).toBe('ops.fraud-events');
  });

  it('keeps a message without id, type or failure headers, with a stable content-derived id', () => {
    const message = { content: Buffer.from([0xff, 0x00]), properties: {} };
    const first = toDeadLetterRecord('account.account-events.dlq', message, RECEIVED_AT);
    const again = toDeadLetterRecord('account.account-events.dlq', message, '2025-03-02T00:00:00.000Z');

    expect(first).toMatchObject({ type: null, errorCode: 'UNKNOWN', attempts: 1, firstFailedAt: RECEIVED_AT, lastFailedAt: RECEIVED_AT });
    expect(first.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again.messageId).toBe(first.messageId);
  });

  it('finds the type in a JSON body when the property is missing', () => {
    const record = toDeadLetterRecord(
      'q.account-events.dlq',
      { content: Buffer.from('{"type":"AccountOpened"}'), properties: { messageId: 'm' } },
      RECEIVED_AT,
    );
    expect(record.type).toBe('AccountOpened');
  });

  it('explains a message RabbitMQ dead-lettered itself (delivery limit) from x-death', () => {
    const record = toDeadLetterRecord(
      'fraud.account-events.dlq',
      {
        content: Buffer.from('{}'),
        properties: {
          messageId: 'm',
          headers: { 'x-delivery-count': 50, 'x-death': [{ reason: 'delivery_limit', count: 1, time: 1_740_823_200 }] },
        },
      },
      RECEIVED_AT,
    );
    expect(record).toMatchObject({
      errorCode: 'BROKER_DELIVERY_LIMIT',
      attempts: 50,
      lastFailedAt: '2025-03-01T10:00:00.000Z',
      firstFailedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(record.errorMessage).toContain('delivery_limit');
  });

  it('ignores unusable failure headers instead of failing', () => {
    const record = toDeadLetterRecord(
      'q.account-events.dlq',
      {
        content: Buffer.from(''),
        properties: {
          messageId: '',
          headers: { 'x-attempts': 'many', 'x-last-failed-at': 'yesterday', 'x-error-code': Buffer.from('BAD') },
        },
      },
      RECEIVED_AT,
    );
    expect(record).toMatchObject({ attempts: 1, lastFailedAt: RECEIVED_AT, errorCode: 'BAD', headers: { 'x-error-code': 'BAD' } });
    expect(record.messageId).toMatch(/^sha256:/);
  });
});
