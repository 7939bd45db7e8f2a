import { EventEnvelope } from '@app/contracts';
import { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import type { DeliveredEvent, Delivery } from '../consumer/queue-consumer';

/** The handler extra that marks a handler as taking batches (`@OnBatch`). */
export const takesBatches = 'eventBatch';

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
