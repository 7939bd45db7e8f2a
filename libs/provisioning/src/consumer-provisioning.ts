import { DefaultPorts, Producers, deadLetterQueueOf, queueName, retryQueuesOf } from '@app/contracts';
import { declareTopology, failureExchange, topologyOf } from '@app/messaging';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { BrokerPermission, rabbitmqctl, rabbitPasswordHash, untilConnects, vhostUrl } from './broker-provisioning';
import { InstallationNames, principalOf } from './principals';

/**
 * A consumer added at run time (e.g. business intelligence) outside the platform's services: it
 * gets a broker user of its own, like theirs, and queues with retry and DLQ; it needs no database.
 */
export interface ExtraConsumer {
  consumer: string;
  producers: readonly string[];
}

const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Refuses a name that is not a queue-name part, or that is one of the platform's services (theirs come from the routing table). */
export function assertExtraConsumer({ consumer, producers }: ExtraConsumer): void {
  if (!/^[a-z0-9-]{1,40}$/.test(consumer)) throw new Error(`"${consumer}" is not a consumer name: lower-case letters, digits and dashes`);
  if (consumer in DefaultPorts) throw new Error(`"${consumer}" is a platform service; its queues come from the routing table`);
  if (producers.length === 0) throw new Error('name at least one producer whose events it consumes (--producer account)');
  const unknown = producers.filter((producer) => !(Producers as string[]).includes(producer));
  if (unknown.length > 0) throw new Error(`no producer named ${unknown.join(', ')} (producers: ${Producers.join(', ')})`);
}

export const extraConsumerUser = (consumer: string, names: InstallationNames): string => `${names.prefix}${consumer}`.replace(/_/g, '-');
export const extraConsumerQueues = ({ consumer, producers }: ExtraConsumer): string[] => producers.map((p) => queueName(consumer, p));

/** Like a service's: configure nothing, write only its failures exchange (retries, dead letters), read only its queues. */
export function extraConsumerPermission(extra: ExtraConsumer, names: InstallationNames): BrokerPermission {
  return {
    user: extraConsumerUser(extra.consumer, names),
    vhost: names.vhost,
    configure: '^$',
    write: `^${escape(failureExchange(extra.consumer))}$`,
    read: `^(${extraConsumerQueues(extra).map(escape).join('|')})$`,
  };
}

/**
 * Creates or updates the consumer's broker user and permissions (rabbitmqctl import_definitions,
 * an upsert that leaves every other user alone) and declares its queues with retry and DLQ as the
 * administrator; answers its AMQP_URL. Idempotent; `password` is kept across runs by the caller.
 */
export async function provisionExtraConsumer(
  adminAmqpUrl: string,
  names: InstallationNames,
  extra: ExtraConsumer,
  password: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ AMQP_URL: string }> {
  assertExtraConsumer(extra);
  const [firstNode] = adminAmqpUrl.split(',').map((url) => url.trim());
  const user = extraConsumerUser(extra.consumer, names);
  const definitions = {
    users: [{ name: user, password_hash: rabbitPasswordHash(password), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [] }],
    permissions: [extraConsumerPermission(extra, names)],
  };
  await rabbitmqctl(['import_definitions', '--format', 'json'], JSON.stringify(definitions), env);
  await untilConnects(vhostUrl(firstNode, names.vhost, { user, password }));
  const connection = await connect(vhostUrl(firstNode, names.vhost));
  try {
    await declareTopology(await connection.createChannel(), topologyOf(extraConsumerQueues(extra)));
  } finally {
    await connection.close().catch(() => undefined);
  }
  return { AMQP_URL: vhostUrl(adminAmqpUrl, names.vhost, { user, password }) };
}

/**
 * Removes a consumer added at run time: its subscriptions in every producer's database (the
 * administrator may write them), its queues, retry and dead-letter queues, its failures exchange
 * and its broker user. Idempotent. Run it only after the operator confirmed.
 */
export async function deprovisionExtraConsumer(
  adminAmqpUrl: string,
  adminDatabaseUrl: string,
  names: InstallationNames,
  consumer: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ subscriptions: string[]; queues: string[] }> {
  assertExtraConsumer({ consumer, producers: Producers });
  const deleted: string[] = [];
  for (const producer of Producers) {
    const url = new URL(adminDatabaseUrl);
    url.pathname = `/${principalOf(producer, names).database}`;
    const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ name: string }>(
        `DELETE FROM "${producer}".subscriptions WHERE name = $1 AND registered_at IS NOT NULL RETURNING name`,
        [queueName(consumer, producer)],
      );
      deleted.push(...rows.map((row) => row.name));
    } catch (error) {
      // A producer not migrated yet has no subscriptions table, hence nothing to delete.
      if ((error as { code?: string }).code !== '42P01' && (error as { code?: string }).code !== '3D000') throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const [firstNode] = adminAmqpUrl.split(',').map((url) => url.trim());
  const queues = Producers.map((producer) => queueName(consumer, producer));
  const connection = await connect(vhostUrl(firstNode, names.vhost));
  try {
    const channel = await connection.createChannel();
    for (const queue of queues)
      for (const name of [queue, ...retryQueuesOf(queue), deadLetterQueueOf(queue)]) await channel.deleteQueue(name);
    await channel.deleteExchange(failureExchange(consumer));
  } finally {
    await connection.close().catch(() => undefined);
  }
  const user = extraConsumerUser(consumer, names);
  const users = JSON.parse(await rabbitmqctl(['list_users', '--silent', '--formatter', 'json'], undefined, env)) as { user: string }[];
  if (users.some((entry) => entry.user === user)) await rabbitmqctl(['delete_user', user], undefined, env);
  return { subscriptions: deleted, queues };
}
