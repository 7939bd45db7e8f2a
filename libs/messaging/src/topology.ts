import { RetryTier, configuredRetryPolicy, deadLetterQueueOf, legacyRetryQueueOf, parseQueueName, retryQueueOf } from '@app/contracts';
import type { Channel } from 'amqplib';

/**
 * Every queue of a consumer is a quorum queue with a member on three nodes: a cluster survives
 * the loss of any one node with every message that was confirmed. Fewer nodes cap it, so one
 * broker works too. Set only at creation: a queue declared earlier without it must be re-created.
 */
export const QUORUM_GROUP_SIZE = 3;
const replicated = { 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': QUORUM_GROUP_SIZE };

/**
 * Every message enters a queue through an exchange that only its rightful sender may write to,
 * never through the default exchange (which reaches every queue): a producer's relay writes to
 * `<producer>.events`, a consumer's retries and dead letters go through `<consumer>.failures`, and
 * Ops' replays through `ops.replay`. A broker user's write permission then covers exactly what it feeds.
 */
export const producerExchange = (producer: string): string => `${producer}.events`;
export const failureExchange = (consumer: string): string => `${consumer}.failures`;
export const REPLAY_EXCHANGE = 'ops.replay';

export interface QueueDeclaration {
  name: string;
  arguments: Record<string, unknown>;
}

export interface Binding {
  exchange: string;
  queue: string;
  routingKey: string;
}

/** The exchanges, queues and bindings of some consumer queues; all exchanges are direct and durable. */
export interface Topology {
  exchanges: string[];
  queues: QueueDeclaration[];
  bindings: Binding[];
}

function partsOf(queue: string): { consumer: string; producer: string } {
  const parts = parseQueueName(queue);
  if (!parts) throw new Error(`"${queue}" is not a consumer queue name (<consumer>.<producer>-events)`);
  return parts;
}

/**
 * The topology of one consumer queue with its retry and dead-letter queues
 * (docs/architecture.md#queues-and-messages), one retry queue per tier of the installation's retry policy.
 */
export function consumerQueueTopology(queue: string, tiers: readonly RetryTier[] = configuredRetryPolicy().tiers): Topology {
  const { consumer, producer } = partsOf(queue);
  const dlq = deadLetterQueueOf(queue);
  const retries = tiers.map((tier) => ({ name: retryQueueOf(queue, tier), delayMs: tier.delayMs }));
  return {
    exchanges: [producerExchange(producer), failureExchange(consumer), REPLAY_EXCHANGE],
    queues: [
      { name: dlq, arguments: replicated },
      {
        name: queue,
        arguments: {
          ...replicated,
          // One consumer at a time keeps a queue's order; others wait as hot standbys.
          'x-single-active-consumer': true,
          // A message that keeps killing its consumer is parked in the DLQ instead of looping.
          'x-dead-letter-exchange': failureExchange(consumer),
          'x-dead-letter-routing-key': dlq,
          'x-delivery-limit': 50,
        },
      },
      // One queue per retry delay (RetryPolicy): every message in it waits the queue's TTL, then
      // returns to `queue` the way it first came (the broker dead-letters it itself, whatever the
      // users may do). Replicated like the rest, so a message waiting out its delay survives the
      // loss of a node. At-least-once: an expired message leaves only once `queue` has it, even
      // while a node is down (the inbox absorbs the rare second copy); the strategy requires
      // reject-publish overflow. Both need RabbitMQ 3.10 or later.
      ...retries.map(({ name, delayMs }) => ({
        name,
        arguments: {
          ...replicated,
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': producerExchange(producer),
          'x-dead-letter-routing-key': queue,
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      })),
    ],
    bindings: [
      { exchange: producerExchange(producer), queue, routingKey: queue },
      { exchange: REPLAY_EXCHANGE, queue, routingKey: queue },
      ...retries.map(({ name }) => ({ exchange: failureExchange(consumer), queue: name, routingKey: name })),
      { exchange: failureExchange(consumer), queue: dlq, routingKey: dlq },
    ],
  };
}

/** The union of the topologies of `queues`, each exchange once. */
export function topologyOf(queues: readonly string[], tiers: readonly RetryTier[] = configuredRetryPolicy().tiers): Topology {
  const parts = queues.map((queue) => consumerQueueTopology(queue, tiers));
  return {
    exchanges: [...new Set(parts.flatMap((part) => part.exchanges))],
    queues: parts.flatMap((part) => part.queues),
    bindings: parts.flatMap((part) => part.bindings),
  };
}

/** Declares `topology` on `channel`; needs configure permission on all of it (an administrator, or a test's guest). */
export async function declareTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges) await channel.assertExchange(exchange, 'direct', { durable: true });
  for (const queue of topology.queues) await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
  for (const binding of topology.bindings) await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey);
}

/** Declares a consumer queue with its retry and dead-letter queues, exchanges and bindings. */
export async function declareConsumerQueue(channel: Channel, queue: string): Promise<void> {
  await declareTopology(channel, consumerQueueTopology(queue));
}

type ChannelSource = { createChannel(): Promise<Channel> };

const ACCESS_REFUSED = 403;

/**
 * Makes sure every queue in `queues` is ready for use. A service whose broker user may not
 * configure anything (a provisioned one: `npm run provision` declared the topology) only checks
 * that it is there, which needs no permission; with a user that may (local defaults, tests) it declares it.
 */
export async function declareQueues(connection: ChannelSource, queues: readonly string[]): Promise<void> {
  const topology = topologyOf(queues);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await declareTopology(channel, topology);
    return;
  } catch (error) {
    if ((error as { code?: number }).code !== ACCESS_REFUSED) throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  try {
    for (const exchange of topology.exchanges) await probe.checkExchange(exchange);
    for (const queue of topology.queues) await probe.checkQueue(queue.name);
  } catch (error) {
    throw new Error(`the broker topology is missing (${(error as Error).message.split('\n')[0]}); run \`npm run provision\``, {
      cause: error,
    });
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/**
 * Earlier versions had one retry queue per consumer queue, `<queue>.retry`, with a per-message
 * expiry. It is first unbound, so nothing enters it any more (an older consumer's retry is then
 * refused as unroutable and stays with that consumer, which tries again), then deleted once empty:
 * what it still holds expires back to its main queue by its own arguments, and a later
 * provisioning deletes it. Quorum queues do not implement delete-if-empty, hence the count first.
 * Answers the legacy queues left because they still hold messages.
 */
export async function retireLegacyRetryQueues(connection: ChannelSource, queues: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const queue of queues) {
    const legacy = legacyRetryQueueOf(queue);
    // A passive declare of a missing queue closes its channel: one channel per queue.
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      const found = await channel.checkQueue(legacy).catch(() => undefined);
      if (!found) continue;
      const { consumer } = partsOf(queue);
      await channel.unbindQueue(legacy, failureExchange(consumer), legacy);
      const { messageCount } = await channel.checkQueue(legacy);
      if (messageCount === 0) await channel.deleteQueue(legacy);
      else left.push(legacy);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
  return left;
}
