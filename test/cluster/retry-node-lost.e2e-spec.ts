import { Headers, configuredRetryPolicy, deadLetterQueueOf, retryQueueOf, retryQueuesOf, retryTierOf } from '@app/contracts';
import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { eventually, freshEventStore, uniqueSuffix } from '@app/testing';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ClusterNode,
  clusterBroker,
  ensureCluster,
  killNode,
  leaderOfEachQueue,
  queueDepths,
  queueReplicas,
  restartNode,
  runningNodes,
} from './support/rabbitmq-cluster';

const EVENTS = 20;
/**
 * This spec's installation: its longest tier (10 s; production's is 30 s) outlasts the moves into
 * it (each held up to 2 s for its jitter) long enough to see them all there and kill a node.
 */
process.env.RETRY_TIERS = '250ms,1s,5s,10s';
/**
 * The events arrive as if they had failed three times already, so their next failure waits in the
 * longest tier: long enough to kill a node while they wait, and for them to expire while it is down.
 */
const PRIOR_ATTEMPTS = 3;
const tier = retryTierOf(PRIOR_ATTEMPTS + 1);

/**
 * Messages waiting out a retry delay on the 3-node cluster when the node leading their retry tier
 * is SIGKILLed: each still comes back to its consumer, and is applied exactly once.
 */
describe('A RabbitMQ node killed while retries wait in their tier', () => {
  const vhost = '/';
  const queue = `t${uniqueSuffix()}.account-events`;
  const tierQueue = retryQueueOf(queue, tier);
  let schema: string;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let consumer: QueueConsumer;
  let victim: ClusterNode;
  const deliveries = new Map<string, number[]>();

  beforeAll(async () => {
    ensureCluster();
    ({ schema, dataSource } = await freshEventStore());
    await dataSource.query(`CREATE TABLE "${schema}".effects (event_id uuid, stream_id text)`);
    connection = new AmqpConnection({ url: clusterBroker().adminAmqpUrl, name: 'retry-node-lost-spec' });
    await connection.start();
    consumer = new QueueConsumer({
      queue,
      connection,
      dataSource,
      schema,
      maxAttempts: 10,
      dispatch: async (envelope, delivery) => {
        deliveries.set(envelope.eventId, [...(deliveries.get(envelope.eventId) ?? []), delivery.attempt]);
        await delivery.manager.query(`INSERT INTO "${schema}".effects (event_id, stream_id) VALUES ($1, $2)`, [
          envelope.eventId,
          envelope.streamId,
        ]);
        // Fails once more, into the tier, then passes.
        if (delivery.attempt <= PRIOR_ATTEMPTS + 1) throw Object.assign(new Error('handler briefly failing'), { code: 'HANDLER_FLAKY' });
        return 'handled';
      },
    });
    await consumer.start();
    // Leaders are placed when the queues are declared; rabbitmqctl is too slow to ask mid-test.
    victim = await eventually(() => leaderOfEachQueue(vhost).get(tierQueue), 30_000, 500);
  }, 600_000);

  afterAll(async () => {
    if (victim && !runningNodes().includes(victim)) await restartNode(victim);
    await consumer?.stop();
    await connection?.close();
    const admin = await connect(clusterBroker().adminAmqpUrl.split(',')[0]);
    const channel = await admin.createChannel();
    for (const name of [queue, deadLetterQueueOf(queue), ...retryQueuesOf(queue)]) await channel.deleteQueue(name);
    await admin.close();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  }, 300_000);

  it('has a quorum queue with a member on each node for every retry tier', () => {
    const tiers = queueReplicas(vhost)
      .filter((q) => q.name.startsWith(`${queue}.retry.`))
      .map((q) => ({ name: q.name, type: q.type, nodes: q.members.length }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const expected = configuredRetryPolicy()
      .tiers.map((t) => ({ name: retryQueueOf(queue, t), type: 'quorum', nodes: 3 }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(tiers).toEqual(expected);
  });

  it('brings every waiting retry back once its delay is over, and the inbox applies each exactly once', async () => {
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      eventId: randomUUID(),
      type: 'LimitUpdated',
      schemaVersion: 1,
      streamId: `account-${i}-${uniqueSuffix()}`,
      streamVersion: 1,
      globalPosition: String(i + 1),
      occurredAt: new Date().toISOString(),
      data: { id: randomUUID(), newLimit: 1, oldLimit: 0 },
      metadata: {},
    }));
    const publisher = await connect(clusterBroker().adminAmqpUrl.split(',')[0]);
    const channel = await publisher.createConfirmChannel();
    for (const event of events)
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.eventId,
        contentType: 'application/json',
        headers: { [Headers.attempts]: PRIOR_ATTEMPTS },
      });
    await channel.waitForConfirms();
    await publisher.close();

    // All of them waiting in the tier: failed once more and moved there, after their jitter.
    const probe = await connect(clusterBroker().adminAmqpUrl.split(',')[victim === 1 ? 1 : 0]);
    const waiting = async () => {
      const channel = await probe.createChannel();
      try {
        return (await channel.checkQueue(tierQueue)).messageCount;
      } finally {
        await channel.close();
      }
    };
    await eventually(async () => (await waiting()) === EVENTS, 20_000, 100);
    await probe.close();
    const movedAt = Date.now();
    killNode(victim);

    const applied = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM "${schema}".inbox`))[0].n);
    await eventually(async () => (await applied()) === EVENTS, 120_000, 200).catch(async () => {
      throw new Error(`${await applied()} of ${EVENTS} retried events applied within 120 s of the kill`);
    });
    const backMs = Date.now() - movedAt;
    await restartNode(victim);

    const perStream = await dataSource.query(`SELECT stream_id, count(*)::int AS n FROM "${schema}".effects GROUP BY stream_id`);
    // A failed try rolls its effects back: one row per event means applied exactly once.
    const effects = (await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".effects`))[0].n;
    const secondCopies = [...deliveries.values()].filter((attempts) => attempts.filter((a) => a === PRIOR_ATTEMPTS + 2).length > 1).length;
    console.log(
      `${EVENTS} retries waiting in ${tierQueue} (${tier.delayMs} ms); node ${victim}, its leader, SIGKILLed; ` +
        `all back and applied ${backMs} ms after they were moved; deliveries of the retried attempt seen twice: ${secondCopies}`,
    );
    expect(perStream).toHaveLength(EVENTS);
    expect(effects).toBe(EVENTS);
    for (const event of events) expect(deliveries.get(event.eventId)).toContain(PRIOR_ATTEMPTS + 2);
    expect(queueDepths(vhost, new RegExp(`^${deadLetterQueueOf(queue).replace(/\./g, '\\.')}$`))).toEqual({
      [deadLetterQueueOf(queue)]: 0,
    });
  }, 300_000);
});
