import { ContractEvent, EventEnvelope, EventTypeOf, Producer } from '@app/contracts';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventBatchContext, takesBatches } from './event-batch';
import { EventContext } from './event-context';
import { AnyEvent, eventPattern } from './patterns';

/** A method decorator that only fits a handler whose first parameter takes `Delivered`. */
type HandlerDecorator<Delivered, Context> = <M extends (delivered: Delivered, context: Context) => unknown>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;

/**
 * Registers `patterns` and hands the handler its event (or run of events) and its context as its
 * two parameters, without `@Payload()` / `@Ctx()` on each: by default Nest passes the payload alone.
 */
export function OnPatterns(patterns: string | string[], batch: boolean): MethodDecorator {
  return (target, key, descriptor) => {
    EventPattern(patterns, batch ? { [takesBatches]: true } : {})(target, key, descriptor);
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}

const patterns = (producer: Producer, types: readonly string[]) => types.map((type) => eventPattern(producer, type));

/**
 * `@On('account', 'AccountOpened')`: the handler of these event types of this producer, on any of
 * its queues. Its parameter is the producer's contract type (ContractEvent), already validated and
 * upcast at the door; a type the producer does not publish, or a parameter of another event's
 * shape, fails to compile.
 */
export function On<P extends Producer, T extends EventTypeOf<P>>(
  producer: P,
  ...types: [T, ...T[]]
): HandlerDecorator<ContractEvent<P, T>, EventContext> {
  return (target, key, descriptor) => OnPatterns(patterns(producer, types), false)(target, key, descriptor);
}

/**
 * `@OnBatch('account', 'ItemPurchased')`: as `On`, but the handler takes every consecutive event of
 * its types that the consumer applies in one transaction, in delivery order, so that it can write them
 * in one statement. A batch may hold several events of one stream. If the handler throws, the batch
 * is rolled back and each event goes to it again on its own, so a failure is classified for the event
 * that caused it alone.
 */
export function OnBatch<P extends Producer, T extends EventTypeOf<P>>(
  producer: P,
  ...types: [T, ...T[]]
): HandlerDecorator<readonly ContractEvent<P, T>[], EventBatchContext> {
  return (target, key, descriptor) => OnPatterns(patterns(producer, types), true)(target, key, descriptor);
}

/** Every event of every producer that has no handler of its own, in batches (an audit log). */
export function OnAnyEventBatch(): HandlerDecorator<readonly EventEnvelope[], EventBatchContext> {
  return (target, key, descriptor) => OnPatterns(AnyEvent, true)(target, key, descriptor);
}
