import { ContractEvent } from '@app/contracts';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { defineProjection } from '../projection/projection';
import { EventBatchContext } from './event-batch';
import { EventContext } from './event-context';
import { On, OnBatch } from './on';

/**
 * The compile-time half of this spec is the `@ts-expect-error` lines: `npm run typecheck` fails if
 * any of them stops being an error, i.e. if a handler for a type its producer does not publish, or
 * one that restates an event's shape wrongly, would compile.
 */
class Handlers {
  @On('account', 'AccountOpened')
  opened(event: ContractEvent<'account', 'AccountOpened'>, _ctx: EventContext) {
    return event.data.limit;
  }

  @OnBatch('account', 'ItemPurchased', 'PurchaseRefunded')
  balances(events: readonly ContractEvent<'account', 'ItemPurchased' | 'PurchaseRefunded'>[], _ctx: EventBatchContext) {
    return events.map((event) => event.data.balanceAfter);
  }

  // @ts-expect-error Account publishes no CheckoutStarted.
  @On('account', 'CheckoutStarted')
  misrouted(_event: ContractEvent<'checkout', 'CheckoutStarted'>) {}

  // @ts-expect-error The handler's parameter is another event's shape.
  @On('account', 'LimitUpdated')
  mistyped(_event: ContractEvent<'account', 'AccountOpened'>) {}

  // @ts-expect-error A batch handler takes an array of events.
  @OnBatch('checkout', 'CheckoutStarted')
  single(_event: ContractEvent<'checkout', 'CheckoutStarted'>) {}
}

defineProjection({
  name: 'Misrouted',
  consumer: 'fraud',
  producer: 'merchant',
  tables: [],
  // @ts-expect-error A projection's statement for a type its producer does not publish.
  statements: { ItemPurchased: async () => undefined },
});

const metadataOf = (method: keyof Handlers) => ({
  patterns: Reflect.getMetadata(PATTERN_METADATA, Handlers.prototype[method]) as string[],
  extras: Reflect.getMetadata(PATTERN_EXTRAS_METADATA, Handlers.prototype[method]) as Record<string, unknown>,
});

describe('@On and @OnBatch', () => {
  it('key a handler by producer and type, never by a bare type name', () => {
    expect(metadataOf('opened').patterns).toEqual(['account/AccountOpened']);
    expect(metadataOf('misrouted').patterns).toEqual(['account/CheckoutStarted']);
  });

  it('mark a batch handler, for each of its types', () => {
    expect(metadataOf('balances')).toEqual({
      patterns: ['account/ItemPurchased', 'account/PurchaseRefunded'],
      extras: { eventBatch: true },
    });
    expect(metadataOf('opened').extras?.eventBatch).toBeUndefined();
  });
});
