import { RetryTier, configuredRetryPolicy } from '@app/contracts';
import {
  declareTopology,
  failureExchange,
  producerExchange,
  REPLAY_EXCHANGE,
  retireLegacyRetryQueues,
  topologyOf,
  Topology,
} from '@app/messaging';
import { connect } from 'amqplib';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  consumedQueues,
  DATA_SERVICES,
  DataService,
  InstallationNames,
  isProducer,
  platformQueues,
  principalOf,
  ServicePrincipal,
} from './principals';

/** What a service's broker user may do: configure nothing, write only to what it feeds, read only what it consumes. */
export interface BrokerPermission {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const anyOf = (names: readonly string[]): string => (names.length === 0 ? '^$' : `^(${names.map(escape).join('|')})$`);

/**
 * A producer writes to its own exchange, a consumer to its failures exchange (its retries and
 * dead letters) and reads its own queues. Ops also reads every dead-letter queue (it drains them)
 * and writes to the replay exchange, which reaches every main queue and nothing else.
 */
export function permissionOf(service: DataService, principal: ServicePrincipal, vhost: string): BrokerPermission {
  const consumed = consumedQueues(service);
  const writes = [...(isProducer(service) ? [producerExchange(service)] : []), ...(consumed.length ? [failureExchange(service)] : [])];
  let read = anyOf(consumed);
  if (service === 'ops') {
    writes.push(REPLAY_EXCHANGE);
    read = `^(${consumed.map(escape).join('|')}|[a-z0-9-]+\\.[a-z-]+-events\\.dlq)$`;
  }
  return { user: principal.brokerUser, vhost, configure: '^$', write: anyOf(writes), read };
}

/** RabbitMQ's default password hash (rabbit_password_hashing_sha256): base64(salt ‖ sha256(salt ‖ password)). */
export function rabbitPasswordHash(password: string): string {
  const salt = randomBytes(4);
  return Buffer.concat([
    salt,
    createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
      .digest(),
  ]).toString('base64');
}

/**
 * A RabbitMQ definitions document: the virtual host, each service's user and permissions, and
 * (with `topology`) every exchange, queue and binding. Without `passwords` the users carry an
 * empty hash, to be set with `rabbitmqctl change_password` (the reviewable artefact).
 */
export function brokerDefinitions(
  names: InstallationNames,
  options: { passwords?: ReadonlyMap<string, string>; adminUser?: string; topology?: Topology } = {},
): Record<string, unknown> {
  const principals = DATA_SERVICES.map((service) => principalOf(service, names));
  const topology = options.topology;
  return {
    vhosts: [{ name: names.vhost }],
    users: principals.map((p) => ({
      name: p.brokerUser,
      password_hash: options.passwords ? rabbitPasswordHash(options.passwords.get(p.service)!) : '',
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: [],
    })),
    permissions: [
      ...(options.adminUser ? [{ user: options.adminUser, vhost: names.vhost, configure: '.*', write: '.*', read: '.*' }] : []),
      ...principals.map((p) => permissionOf(p.service, p, names.vhost)),
    ],
    ...(topology
      ? {
          exchanges: topology.exchanges.map((name) => ({
            name,
            vhost: names.vhost,
            type: 'direct',
            durable: true,
            auto_delete: false,
            internal: false,
            arguments: {},
          })),
          queues: topology.queues.map((q) => ({
            name: q.name,
            vhost: names.vhost,
            durable: true,
            auto_delete: false,
            arguments: q.arguments,
          })),
          bindings: topology.bindings.map((b) => ({
            source: b.exchange,
            vhost: names.vhost,
            destination: b.queue,
            destination_type: 'queue',
            routing_key: b.routingKey,
            arguments: {},
          })),
        }
      : {}),
  };
}

/** `RABBITMQCTL` (default `rabbitmqctl`), e.g. `docker compose exec -T rabbitmq rabbitmqctl` for a broker in a container. */
export function rabbitmqctl(args: readonly string[], input?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [command, ...prefix] = (env.RABBITMQCTL ?? 'rabbitmqctl').split(' ').filter(Boolean);
  return new Promise((resolve, reject) => {
    const child = execFile(command, [...prefix, ...args], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`rabbitmqctl ${args[0]} failed: ${(stderr || error.message).trim().split('\n')[0]}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Imports a definitions document as the administrator of `adminAmqpUrl`: through the management
 * HTTP API when RABBITMQ_MANAGEMENT_URL is set (a provisioning container has no rabbitmqctl: the
 * compose platform), else with `rabbitmqctl import_definitions`. Both are the broker's own upsert.
 */
export async function importDefinitions(definitions: unknown, adminAmqpUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const management = env.RABBITMQ_MANAGEMENT_URL;
  if (!management) {
    await rabbitmqctl(['import_definitions', '--format', 'json'], JSON.stringify(definitions), env);
    return;
  }
  const first = new URL(adminAmqpUrl.split(',')[0].trim());
  const credentials = Buffer.from(`${decodeURIComponent(first.username || 'guest')}:${decodeURIComponent(first.password || 'guest')}`);
  const response = await fetch(new URL('api/definitions', management.endsWith('/') ? management : `${management}/`), {
    method: 'POST',
    headers: { authorization: `Basic ${credentials.toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(definitions),
  });
  if (!response.ok)
    throw new Error(
      `importing the broker definitions through ${management} answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
}

const PRECONDITION_FAILED = 406;

/**
 * Creates or updates the virtual host, the services' users (with `passwords`) and their
 * permissions with `rabbitmqctl import_definitions` (the broker's own, idempotent upsert), then
 * declares the topology over AMQP as the administrator of `adminAmqpUrl`.
 */
export async function provisionBroker(
  adminAmqpUrl: string,
  names: InstallationNames,
  passwords: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv = process.env,
  retryTiers: readonly RetryTier[] = configuredRetryPolicy().tiers,
): Promise<void> {
  // A cluster shares users, permissions and queues: one node is enough to set them up.
  const [firstNode] = adminAmqpUrl.split(',').map((url) => url.trim());
  const adminUser = decodeURIComponent(new URL(firstNode).username || 'guest');
  const definitions = brokerDefinitions(names, { passwords, adminUser });
  await importDefinitions(definitions, adminAmqpUrl, env);
  // The import finishes asynchronously: wait until every user can log in to the virtual host.
  await Promise.all(
    DATA_SERVICES.map((service) => {
      const user = principalOf(service, names).brokerUser;
      return untilConnects(vhostUrl(firstNode, names.vhost, { user, password: passwords.get(service)! }));
    }),
  );
  const connection = await connect(vhostUrl(firstNode, names.vhost));
  try {
    const channel = await connection.createChannel();
    await declareTopology(channel, topologyOf(platformQueues(), retryTiers)).catch((error: Error & { code?: number }) => {
      if (error.code !== PRECONDITION_FAILED) throw error;
      // The broker never changes a queue's arguments in place: say which one, and how to move on.
      throw new Error(
        `${error.message.split('\n')[0]}. Drain that queue, delete it (rabbitmqctl delete_queue -p ${names.vhost} <queue>) and provision again.`,
      );
    });
    // An installation from before the retry tiers: its single retry queue goes once it is empty.
    const left = await retireLegacyRetryQueues(connection, platformQueues());
    if (left.length > 0) console.warn(`still draining (unbound, deleted by a later provisioning once empty): ${left.join(', ')}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function untilConnects(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await connect(url)).close();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`a provisioned broker user cannot log in: ${(error as Error).message.split('\n')[0]}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Deletes the virtual host and the services' users (tests' own installations only). One rabbitmqctl
 * run, not one per user: each run starts an Erlang VM (about 1.3 s of CPU), and every spec's
 * platform ends here. A broker without those internal functions gets the one-per-user commands.
 */
export async function dropBroker(names: InstallationNames, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const users = DATA_SERVICES.map((service) => principalOf(service, names).brokerUser);
  const binary = (text: string) => `<<"${text.replace(/[\\"]/g, '\\$&')}">>`;
  // `catch`: a vhost or user already gone is not an error here.
  const deleteAll =
    `_ = (catch rabbit_vhost:delete(${binary(names.vhost)}, <<"tests">>)), ` +
    `_ = [(catch rabbit_auth_backend_internal:delete_user(U, <<"tests">>)) || U <- [${users.map(binary).join(', ')}]], ok.`;
  const deleted = await rabbitmqctl(['eval', deleteAll], undefined, env).catch(() => '');
  if (deleted.trim() === 'ok') return;
  await Promise.allSettled([
    rabbitmqctl(['delete_vhost', names.vhost], undefined, env),
    ...users.map((user) => rabbitmqctl(['delete_user', user], undefined, env)),
  ]);
}

/** `url` (each node of a comma-separated list) with its path set to `vhost`, and optionally other credentials. */
export function vhostUrl(url: string, vhost: string, credentials?: { user: string; password: string }): string {
  if (url.includes(','))
    return url
      .split(',')
      .map((node) => vhostUrl(node.trim(), vhost, credentials))
      .join(',');
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  return parsed.toString();
}
