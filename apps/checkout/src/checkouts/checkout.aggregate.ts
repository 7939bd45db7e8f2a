import { AggregateOf, defineAggregate } from '@app/eventstore';
import { checkoutDecider } from './domain/checkout.decider';

/** The checkout process: stream `checkout-<id>`. */
export const checkoutAggregate = defineAggregate({
  name: 'checkout',
  decider: checkoutDecider,
  streamId: (id: string) => `checkout-${id}`,
});

/** The checkout's write path, injected with `@InjectAggregate(checkoutAggregate)`. */
export type CheckoutAggregate = AggregateOf<typeof checkoutAggregate>;
