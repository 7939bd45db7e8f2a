import { EventEnvelope } from '@app/contracts';
import { MessageHandler } from '@nestjs/microservices';
import type { DeliveredEvent } from '../consumer/queue-consumer';
import { handlerRuns } from './event-batch';

const handler = (batch: boolean): MessageHandler =>
  Object.assign(async () => undefined, { extras: batch ? { eventBatch: true } : {} }) as unknown as MessageHandler;
const purchases = handler(true);
const refunds = handler(true);
const opened = handler(false);
const handlers: Record<string, MessageHandler> = { ItemPurchased: purchases, PurchaseRefunded: refunds, AccountOpened: opened };

const event = (type: string, streamId: string): DeliveredEvent => ({
  envelope: { type, streamId } as EventEnvelope,
  delivery: { queue: 'q' } as DeliveredEvent['delivery'],
});
const runsOf = (events: DeliveredEvent[]) =>
  handlerRuns(events, (envelope) => handlers[envelope.type] ?? null).map((run) => ({
    handler: Object.keys(handlers).find((type) => handlers[type] === run.handler),
    batch: run.batch,
    streams: run.events.map((e) => e.envelope.streamId),
  }));

describe('handlerRuns', () => {
  it('gives a batch handler its consecutive events in one run, in delivery order', () => {
    expect(runsOf([event('ItemPurchased', 'a'), event('ItemPurchased', 'b'), event('ItemPurchased', 'c')])).toEqual([
      { handler: 'ItemPurchased', batch: true, streams: ['a', 'b', 'c'] },
    ]);
  });

  it('keeps delivery order across handlers: another handler between them starts a new run', () => {
    expect(
      runsOf([event('ItemPurchased', 'a'), event('PurchaseRefunded', 'b'), event('ItemPurchased', 'c'), event('ItemPurchased', 'd')]),
    ).toEqual([
      { handler: 'ItemPurchased', batch: true, streams: ['a'] },
      { handler: 'PurchaseRefunded', batch: true, streams: ['b'] },
      { handler: 'ItemPurchased', batch: true, streams: ['c', 'd'] },
    ]);
  });

  it('gives a handler that takes single events one run per event, and leaves out events without a handler', () => {
    expect(runsOf([event('AccountOpened', 'a'), event('Unknown', 'x'), event('AccountOpened', 'b')])).toEqual([
      { handler: 'AccountOpened', batch: false, streams: ['a'] },
      { handler: 'AccountOpened', batch: false, streams: ['b'] },
    ]);
  });
});
