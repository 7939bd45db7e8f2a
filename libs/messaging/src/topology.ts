import { deadLetterQueueOf, retryQueueOf } from '@app/contracts';
import type { Channel } from 'amqplib';

/**
 * Every queue of a consumer is a quorum queue with a member on three nodes: a cluster survives
 * the loss of any one node with every message that was confirmed. Fewer nodes cap it, so one
 * broker works too. Set only at creation: a queue declared earlier without it must be re-created.
 */
export const QUORUM_GROUP_SIZE = 3;
const replicated = { 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': QUORUM_GROUP_SIZE };

/**
 * Declares a consumer queue with its retry and dead-letter queues (DESIGN.md, "Queues").
 * Producers and consumers both declare it, with identical arguments, so neither depends on the
 * other having started first.
 */
export async function declareConsumerQueue(channel: Channel, queue: string): Promise<void> {
  const dlq = deadLetterQueueOf(queue);
  await channel.assertQueue(dlq, { durable: true, arguments: replicated });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      ...replicated,
      // One consumer at a time keeps a queue's order; others wait as hot standbys.
      'x-single-active-consumer': true,
      // A message that keeps killing its consumer is parked in the DLQ instead of looping.
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      'x-delivery-limit': 50,
    },
  });
  // Messages wait here for their per-message expiration (the backoff), then return to `queue`.
  // At-least-once: an expired message leaves only once `queue` has it, even while a node is down
  // (the inbox absorbs the rare second copy); the strategy requires reject-publish overflow.
  await channel.assertQueue(retryQueueOf(queue), {
    durable: true,
    arguments: {
      ...replicated,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queue,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
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
