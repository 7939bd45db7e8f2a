import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { testAmqpUrl } from '@app/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { declareConsumerQueue } from '../topology';

/** A test-side broker client: publishes raw messages and reads dead letters, like a misbehaving producer would. */
export class TestBroker {
  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
  ) {}

  static async open(): Promise<TestBroker> {
    const connection = await amqp.connect(testAmqpUrl());
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return new TestBroker(connection, channel);
  }

  async declare(queue: string): Promise<void> {
    await declareConsumerQueue(this.channel, queue);
  }

  /** Publishes an event envelope as the relay would (or any raw body), and waits for the confirm. */
  async publish(queue: string, body: unknown, options: amqp.Options.Publish = {}): Promise<string> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const messageId = options.messageId ?? (body as { eventId?: string })?.eventId ?? randomUUID();
    this.channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json', ...options, messageId });
    await this.channel.waitForConfirms();
    return messageId;
  }

  /** Takes every message now in `queue` (acknowledging them). */
  async drain(queue: string): Promise<amqp.GetMessage[]> {
    const taken: amqp.GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return taken;
      taken.push(message);
    }
  }

  /** The number of ready messages in `queue`; rejects when it does not exist. */
  async messageCount(queue: string): Promise<number> {
    // A passive declare of a missing queue closes its channel: never risk the shared one.
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async deleteQueues(queues: readonly string[]): Promise<void> {
    for (const queue of queues) {
      for (const name of [queue, ...retryQueuesOf(queue), deadLetterQueueOf(queue)]) await this.channel.deleteQueue(name);
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A contract envelope (docs/architecture.md#queues-and-messages) for the account producer; its data is a valid LimitUpdated unless `data` says otherwise. */
export function accountEvent(streamId: string, streamVersion: number, data: Record<string, unknown> = {}, type = 'LimitUpdated') {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId,
    streamVersion,
    globalPosition: String(streamVersion),
    occurredAt: new Date().toISOString(),
    data: type === 'LimitUpdated' ? { id: '5b1f0f7e-2d7c-4a55-9a43-000000000001', newLimit: 1, oldLimit: 0, ...data } : data,
    metadata: {},
  };
}
