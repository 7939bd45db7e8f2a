import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { ProblemException } from '@app/platform';

/**
 * Whether a consumer's queues exist, checked passively (no permission needed). Ops never declares
 * or deletes queues: that takes the broker administrator, which only the provisioning holds.
 */
export class ConsumerQueueCheck {
  constructor(private readonly connection: AmqpConnection) {}

  /** Refuses (409) a queue whose main, retry or dead-letter queue is missing, saying how to provision it. */
  async assertProvisioned(queue: string, consumer: string, producer: string): Promise<void> {
    const missing: string[] = [];
    let channelSource;
    try {
      channelSource = this.connection.current();
    } catch {
      throw new ProblemException(503, 'BROKER_UNAVAILABLE', 'Ops is not connected to the broker; try again shortly');
    }
    for (const name of [queue, ...retryQueuesOf(queue), deadLetterQueueOf(queue)]) {
      // A failed passive check closes its channel: one channel per queue.
      const channel = await channelSource.createChannel();
      channel.on('error', () => undefined);
      await channel.checkQueue(name).catch(() => missing.push(name));
      await channel.close().catch(() => undefined);
    }
    if (missing.length > 0) {
      throw new ProblemException(
        409,
        'CONSUMER_NOT_PROVISIONED',
        `The broker has no ${missing.join(', ')}: an administrator provisions the consumer first ` +
          `(npm run provision -- --add-consumer ${consumer} --producer ${producer})`,
      );
    }
  }
}
