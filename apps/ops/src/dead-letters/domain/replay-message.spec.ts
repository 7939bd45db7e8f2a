import { toReplayMessage } from './replay-message';

describe('toReplayMessage', () => {
  const deadLetter = {
    messageId: 'e-1',
    body: Buffer.from('{"eventId":"e-1"}'),
    properties: { type: 'LimitUpdated', contentType: 'application/json', timestamp: 1_700_000_000, correlationId: null },
    headers: {
      'x-producer': 'account',
      'x-stream-id': 'account-1',
      'x-stream-version': 2,
      'x-previous-stream-version': 1,
      'x-original-queue': 'fraud.account-events',
      'x-attempts': 5,
      'x-error-code': 'OUT_OF_ORDER',
      'x-error-message': 'early',
      'x-first-failed-at': '2025-03-01T09:00:00.000Z',
      'x-last-failed-at': '2025-03-01T09:00:03.000Z',
      'x-death': [{ reason: 'delivery_limit' }],
      'x-delivery-count': 3,
    },
  };

  it('publishes the same bytes under the same message id, so the consumer inbox can recognise it', () => {
    const message = toReplayMessage(deadLetter);
    expect(message.content).toBe(deadLetter.body);
    expect(message.options).toMatchObject({
      messageId: 'e-1',
      type: 'LimitUpdated',
      contentType: 'application/json',
      timestamp: 1_700_000_000,
    });
    expect(message.options).not.toHaveProperty('correlationId');
  });

  it('drops the failure headers so the consumer counts its retries afresh, keeping the event headers', () => {
    expect(toReplayMessage(deadLetter).options.headers).toEqual({
      'x-producer': 'account',
      'x-stream-id': 'account-1',
      'x-stream-version': 2,
      'x-previous-stream-version': 1,
      'x-first-failed-at': '2025-03-01T09:00:00.000Z',
      'x-replay-number': 1,
    });
  });

  it('numbers each replay, so a failure of it is recognised as new whatever its timestamp', () => {
    expect(toReplayMessage(deadLetter, 3).options.headers).toMatchObject({ 'x-replay-number': 3 });
  });
});
