import { Producer } from '../catalog';
import { EventEnvelope } from '../envelope';
import { EventData, EventTypeOf } from './event-schemas';

/**
 * One delivered event of producer `P`, typed from its contract: `data` is the current version's,
 * because the consumer's door validates every event against its producer's schema and upcasts older
 * ones. A union of types stays a union of events, so `switch (event.type)` narrows `data`.
 */
export type ContractEvent<P extends Producer, T extends EventTypeOf<P> = EventTypeOf<P>> =
  T extends EventTypeOf<P> ? Omit<EventEnvelope, 'type' | 'data'> & { readonly type: T; readonly data: EventData<P, T> } : never;
