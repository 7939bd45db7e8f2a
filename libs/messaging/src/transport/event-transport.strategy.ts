import { ControlTypes, EventEnvelope, parseQueueName } from '@app/contracts';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { DeliveredEvent, Delivery, QueueConsumer } from '../consumer/queue-consumer';
import { EventBatchContext, handlerRuns } from './event-batch';
import { EventContext } from './event-context';
import { applyTraced } from './traced-apply';
import { AnyEvent, eventPattern, rebuildPattern } from './patterns';

export interface EventTransportOptions {
  connection: AmqpConnection;
  dataSource: DataSource;
  /** The schema holding this service's inbox. */
  schema: string;
  queues: readonly string[];
  prefetch?: number;
  maxAttempts?: number;
}

/**
 * A Nest transport over our own consumer, so a service's handlers are plain
 * `@On('account', 'LimitUpdated')` methods while the inbox transaction, ordering, retries and
 * dead-lettering stay here. A handler is found by the producer of the event's queue and its type. Handler errors must reach it unchanged, so the app's exception filter
 * must rethrow outside HTTP (the platform's ProblemDetailsFilter does).
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: QueueConsumer[];
  // Nest's lookup tries JSON.parse on every pattern (and throws on ours): resolve each pattern once.
  private readonly handlersByPattern = new Map<string, MessageHandler | null>();
  private readonly producerOfQueue: ReadonlyMap<string, string>;

  constructor(private readonly options: EventTransportOptions) {
    super();
    this.producerOfQueue = new Map(options.queues.map((queue) => [queue, parseQueueName(queue)?.producer ?? 'unknown']));
    this.consumers = options.queues.map(
      (queue) =>
        new QueueConsumer({
          ...options,
          queue,
          dispatch: (envelope, delivery) => this.dispatch(envelope, delivery),
          dispatchBatch: (events) => this.dispatchBatch(events),
        }),
    );
  }

  async listen(callback: () => void): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
    callback();
  }

  /** Graceful: stop consuming, finish the handlers in flight, close the channels. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('EventTransport emits no events');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  override addHandler(...args: Parameters<Server['addHandler']>): void {
    super.addHandler(...args);
    this.handlersByPattern.clear();
  }

  private async dispatch(envelope: EventEnvelope, delivery: Delivery): Promise<'handled' | 'unhandled'> {
    const handler = this.handlerFor(envelope, delivery.queue);
    if (!handler) return 'unhandled';
    await applyTraced([{ envelope, delivery }], () => this.invoke(handler, envelope, new EventContext([delivery])));
    return 'handled';
  }

  private handlerFor(envelope: EventEnvelope, queue: string): MessageHandler | null {
    if (envelope.type === ControlTypes.rebuild) return this.handlerOf(rebuildPattern(queue));
    return this.handlerOf(eventPattern(this.producerOfQueue.get(queue) ?? 'unknown', envelope.type), AnyEvent);
  }

  /** The handler of `pattern`, else the one of `fallback`; resolved once per pattern. */
  private handlerOf(pattern: string, fallback?: string): MessageHandler | null {
    let handler = this.handlersByPattern.get(pattern);
    if (handler === undefined) {
      handler = this.getHandlerByPattern(pattern) ?? (fallback === undefined ? null : this.getHandlerByPattern(fallback));
      this.handlersByPattern.set(pattern, handler);
    }
    return handler;
  }

  private async invoke(handler: MessageHandler, payload: unknown, context: EventContext | EventBatchContext): Promise<void> {
    const result: unknown = await handler(payload, context);
    // An interceptor makes the result an observable; a plain handler's needs no rxjs round per message.
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /** A batch handler (`@OnBatch`) takes its run of events in one call; any other, each on its own. */
  private async dispatchBatch(events: readonly DeliveredEvent[]): Promise<void> {
    for (const run of handlerRuns(events, (envelope, queue) => this.handlerFor(envelope, queue))) {
      const envelopes = run.events.map((event) => event.envelope);
      const deliveries = run.events.map((event) => event.delivery);
      if (run.batch) await applyTraced(run.events, () => this.invoke(run.handler, envelopes, new EventBatchContext([deliveries])));
      else await applyTraced(run.events, () => this.invoke(run.handler, envelopes[0], new EventContext([deliveries[0]])));
    }
  }
}
