import { deadLetterQueueOf, retryQueueOf } from '@app/contracts';
import type { Channel } from 'amqplib';

/**
 * Declares a consumer queue with its retry and dead-letter queues (DESIGN.md, "Queues").
 * Producers and consumers both declare it, with identical arguments, so neither depends on the
 * other having started first.
 */
export async function declareConsumerQueue(channel: Channel, queue: string): Promise<void> {
  const dlq = deadLetterQueueOf(queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      // One consumer at a time keeps a queue's order; others wait as hot standbys.
      'x-single-active-consumer': true,
      // A message that keeps killing its consumer is parked in the DLQ instead of looping.
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      'x-delivery-limit': 50,
    },
  });
  // Messages wait here for their per-message expiration (the backoff), then return to `queue`.
  await channel.assertQueue(retryQueueOf(queue), {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
  });
}

/** Declares every queue in `queues` on a short-lived channel. */
export async function declareQueues(connection: { createChannel(): Promise<Channel> }, queues: readonly string[]) {
  const channel = await connection.createChannel();
  try {
    for (const queue of queues) await declareConsumerQueue(channel, queue);
  } finally {
    await channel.close().catch(() => undefined);
  }
}
