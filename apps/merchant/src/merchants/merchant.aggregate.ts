import { AggregateOf, defineAggregate } from '@app/eventstore';
import { merchantDecider } from './domain/merchant.decider';

/** The merchant aggregate: one stream per merchant however its uuid is spelled (stream ids compare as text). */
export const merchantAggregate = defineAggregate({
  name: 'merchant',
  decider: merchantDecider,
  streamId: (id: string) => `merchant-${id.toLowerCase()}`,
});

/** The merchant's write path, injected with `@InjectAggregate(merchantAggregate)`. */
export type MerchantAggregate = AggregateOf<typeof merchantAggregate>;
