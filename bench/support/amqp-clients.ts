import { Headers } from '@app/contracts';
import { AmqpConnection, ConfirmPublisher, OutgoingMessage } from '@app/messaging';
import * as amqplib from 'amqplib';
import { Connection as RabbitConnection, Envelope } from 'rabbitmq-client';

/**
 * One AMQP client as a platform service would use it: a publisher connection with a confirm channel
 * (the relay's) and a consumer connection that acks every delivery (a service's). The consumer reads
 * the headers QueueConsumer reads, so decoding them is counted, and nothing else of the message.
 */
export interface BenchClient {
  /** Starts consuming `queue`; `received` is called once per message, after it was acked. */
  consume(queue: string, received: () => void): Promise<void>;
  /** Publishes one batch through `exchange` to `queue` and resolves when the broker confirmed all of it. */
  publish(exchange: string, queue: string, batch: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export const PREFETCH = 32;

/** What QueueConsumer reads of a delivery's headers: the decoding is the library's, the reading is ours. */
function readAdmissionHeaders(headers: Record<string, unknown> | undefined): number {
  const h = headers ?? {};
  return Number(h[Headers.previousStreamVersion] ?? 0) + Number(h[Headers.appendIndex] ?? 0) + Number(h[Headers.appendCount] ?? 0);
}

/** amqplib through the platform's own ConfirmPublisher (corked socket, one confirm promise per batch). */
export async function amqplibClient(url: string): Promise<BenchClient> {
  const publisherConnection = new AmqpConnection({ url, name: 'bench-amqp-publisher' });
  await publisherConnection.start();
  const consumerConnection = await amqplib.connect(url);
  let publisher: ConfirmPublisher | undefined;
  let channel: amqplib.Channel | undefined;
  let sink = 0;
  return {
    async consume(queue, received) {
      channel = await consumerConnection.createChannel();
      await channel.prefetch(PREFETCH);
      await channel.consume(queue, (message) => {
        if (!message) return;
        sink += readAdmissionHeaders(message.properties.headers);
        channel!.ack(message);
        received();
      });
    },
    publish(exchange, queue, batch) {
      publisher ??= new ConfirmPublisher(publisherConnection, 30_000, exchange);
      return publisher.publish(queue, batch);
    },
    async close() {
      await channel?.close().catch(() => undefined);
      await publisher?.close();
      await consumerConnection.close();
      await publisherConnection.close();
      if (sink < 0) throw new Error('unreachable: keeps the header reads alive');
    },
  };
}

/** The same messages as rabbitmq-client's envelope: its own names for the same AMQP properties. */
export function toEnvelope(exchange: string, queue: string, message: OutgoingMessage): Envelope {
  const o = message.options;
  return {
    exchange,
    routingKey: queue,
    messageId: o.messageId,
    type: o.type,
    contentType: o.contentType,
    timestamp: o.timestamp as number,
    durable: true,
    mandatory: true,
    headers: o.headers as Record<string, unknown> | undefined,
  };
}

/**
 * rabbitmq-client (maintained, its own codec): a confirm publisher whose sends each return a
 * promise, awaited together per batch, and a consumer that acks when its handler returns.
 */
export async function rabbitmqClient(url: string): Promise<BenchClient> {
  const publisherConnection = new RabbitConnection({ url, connectionName: 'bench-amqp-publisher' });
  const consumerConnection = new RabbitConnection({ url, connectionName: 'bench-amqp-consumer' });
  await Promise.all([publisherConnection.onConnect(10_000, true), consumerConnection.onConnect(10_000, true)]);
  const publisher = publisherConnection.createPublisher({ confirm: true, maxAttempts: 1 });
  let consumer: ReturnType<RabbitConnection['createConsumer']> | undefined;
  let sink = 0;
  return {
    async consume(queue, received) {
      // The queue is the bench's, declared already: passive, so the client does not redeclare it differently.
      const props = { queue, queueOptions: { queue, passive: true }, qos: { prefetchCount: PREFETCH } };
      consumer = consumerConnection.createConsumer(props, (message) => {
        sink += readAdmissionHeaders(message.headers);
        // The client acks when the handler returns, in the same tick: counting here is counting the ack.
        received();
      });
      await new Promise<void>((resolve, reject) => {
        consumer!.once('ready', () => resolve());
        consumer!.once('error', reject);
      });
    },
    async publish(exchange, queue, batch) {
      await Promise.all(batch.map((message) => publisher.send(toEnvelope(exchange, queue, message), message.content)));
    },
    async close() {
      await consumer?.close();
      await publisher.close();
      await Promise.all([consumerConnection.close(), publisherConnection.close()]);
      if (sink < 0) throw new Error('unreachable: keeps the header reads alive');
    },
  };
}
