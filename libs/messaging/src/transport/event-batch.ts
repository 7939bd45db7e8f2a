import { EventEnvelope } from '@app/contracts';
import { BaseRpcContext, EventPattern, MessageHandler } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import type { DeliveredEvent, Delivery } from '../consumer/queue-consumer';

/** The handler extra that marks a handler as taking batches. */
const takesBatches = 'eventBatch';

/**
 * `@EventBatchPattern('ItemPurchased')`: the handler takes, as its `@Payload()`, every event of its
 * pattern(s) that the consumer applies in one transaction, in delivery order, at most one per stream,
 * so that it can write them in one statement. If it throws, the batch is rolled back and each event
 * goes to it again on its own, so a failure is classified for the event that caused it alone.
 */
export const EventBatchPattern = (pattern: string | string[]): MethodDecorator => EventPattern(pattern, { [takesBatches]: true });

/** The `@Ctx()` of a batch handler: write through `manager` so effects commit with the inbox rows. */
export class EventBatchContext extends BaseRpcContext<[readonly Delivery[]]> {
  /** One per event of the payload, in the same order. */
  get deliveries(): readonly Delivery[] {
    return this.args[0];
  }
  get manager(): EntityManager {
    return this.args[0][0].manager;
  }
  get queue(): string {
    return this.args[0][0].queue;
  }
}

/** Consecutive events for one handler; `batch` when that handler takes them at once. */
export interface HandlerRun {
  handler: MessageHandler;
  batch: boolean;
  events: DeliveredEvent[];
}

/**
 * Splits a batch's events into runs of consecutive events for the same batch handler, and one run
 * per event otherwise, so that handlers still see the events in delivery order. Events without a
 * handler are left out.
 */
export function handlerRuns(
  events: readonly DeliveredEvent[],
  handlerFor: (envelope: EventEnvelope, queue: string) => MessageHandler | null,
): HandlerRun[] {
  const runs: HandlerRun[] = [];
  for (const event of events) {
    const handler = handlerFor(event.envelope, event.delivery.queue);
    if (!handler) continue;
    const batch = handler.extras?.[takesBatches] === true;
    const last = runs.at(-1);
    if (batch && last?.handler === handler) last.events.push(event);
    else runs.push({ handler, batch, events: [event] });
  }
  return runs;
}

/**
 * For a set-based statement that can change a row only once: when two events of a batch share a key
 * (their producer broke the one-stream-per-key rule the batch relies on), throws, so that the consumer
 * applies the events one by one instead.
 */
export function requireOnePerKey(keys: readonly string[], what: string): void {
  if (new Set(keys).size < keys.length) throw new Error(`a batch holds two events of one ${what}; applying them one by one`);
}
