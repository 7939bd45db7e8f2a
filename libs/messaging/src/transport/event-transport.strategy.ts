import { ControlTypes, EventEnvelope } from '@app/contracts';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { Delivery, QueueConsumer } from '../consumer/queue-consumer';
import { EventContext } from './event-context';
import { AnyEvent, rebuildPattern } from './patterns';

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
 * `@EventPattern('LimitUpdated')` methods while the inbox transaction, ordering, retries and
 * dead-lettering stay here. Handler errors must reach it unchanged, so the app's exception filter
 * must rethrow outside HTTP (the platform's ProblemDetailsFilter does).
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: QueueConsumer[];
  // Nest's lookup tries JSON.parse on every pattern (and throws on ours): resolve each pattern once.
  private readonly handlersByPattern = new Map<string, MessageHandler | null>();

  constructor(private readonly options: EventTransportOptions) {
    super();
    this.consumers = options.queues.map(
      (queue) =>
        new QueueConsumer({
          ...options,
          queue,
          dispatch: (envelope, delivery) => this.dispatch(envelope, delivery),
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
    const handler =
      envelope.type === ControlTypes.rebuild ? this.handlerFor(rebuildPattern(delivery.queue)) : this.handlerFor(envelope.type, AnyEvent);
    if (!handler) return 'unhandled';
    const result: unknown = await handler(envelope, new EventContext([delivery]));
    // An interceptor makes the result an observable; a plain handler's needs no rxjs round per message.
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    return 'handled';
  }

  /** The handler of `pattern`, else the one of `fallback`; resolved once per pattern. */
  private handlerFor(pattern: string, fallback?: string): MessageHandler | null {
    let handler = this.handlersByPattern.get(pattern);
    if (handler === undefined) {
      handler = this.getHandlerByPattern(pattern) ?? (fallback === undefined ? null : this.getHandlerByPattern(fallback));
      this.handlersByPattern.set(pattern, handler);
    }
    return handler;
  }
}
