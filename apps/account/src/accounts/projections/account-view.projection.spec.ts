import { EventEnvelope } from '@app/contracts';
import { EventBatchContext, EventContext, PermanentMessageError } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { AccountViewRepository } from './account-view.repository';
import { AccountViewProjection } from './account-view.projection';
import { CountryStatsRepository } from './country-stats.repository';

/** The projection checks an event's fields before touching its read models (checkedEvent). */
describe('AccountViewProjection', () => {
  const writes: string[] = [];
  const recorder = <T>() => new Proxy({}, { get: (_, name) => async () => void writes.push(String(name)) }) as T;
  const projection = new AccountViewProjection(recorder<AccountViewRepository>(), recorder<CountryStatsRepository>());
  const delivery = { queue: 'account.account-events', manager: undefined as never, message: undefined as never, attempt: 1 };
  const ctx = new EventContext([delivery]);
  const batchCtx = new EventBatchContext([[delivery, delivery]]);
  const id = randomUUID();

  const envelope = <Data>(type: string, data: Data): EventEnvelope<Data> => ({
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: `account-${id}`,
    streamVersion: 2,
    globalPosition: '7',
    occurredAt: new Date().toISOString(),
    data,
    metadata: {},
  });

  beforeEach(() => writes.splice(0));

  it('applies a well-formed event', async () => {
    await projection.onVipRevoked(envelope('VipStatusRevoked', { id }), ctx);
    expect(writes).toEqual(['setVip']);
  });

  it.each([
    [
      'AccountOpened',
      () => projection.onOpened(envelope('AccountOpened', { id, name: 'Ada', lastName: 'L', limit: 100, currency: 'EUR' } as never), ctx),
    ],
    ['LimitChanged', () => projection.onLimitChanged(envelope('LimitChanged', { id, newLimit: 0, oldLimit: 'lots' } as never), ctx)],
    [
      'ItemPurchased in a batch',
      () =>
        projection.onBalanceChanged(
          [
            envelope('PurchaseRefunded', { id, balanceAfter: 5 } as never),
            envelope('ItemPurchased', { id: 'not-a-uuid', balanceAfter: 5 } as never),
          ],
          batchCtx,
        ),
    ],
    ['VipStatusRevoked', () => projection.onVipRevoked(envelope('VipStatusRevoked', {} as never), ctx)],
  ])('dead-letters a malformed %s without writing anything', async (_type, apply) => {
    await expect(apply()).rejects.toThrow(PermanentMessageError);
    await expect(apply()).rejects.toMatchObject({ code: 'SCHEMA_VIOLATION' });
    expect(writes).toEqual([]);
  });
});
