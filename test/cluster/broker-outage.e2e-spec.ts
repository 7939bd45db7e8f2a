import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { OutboxRelay } from '@app/relay';
import { eventually, testDatabaseUrl } from '@app/testing';
import {
  RelayScene,
  appendEvents,
  deleteQueues,
  effectsReport,
  relayScene,
  sleep,
  startEffectsConsumer,
} from '../../libs/relay/src/test/relay-test-kit';
import { ensureCluster, nodeAmqpUrl, startApp, stopApp } from './support/rabbitmq-cluster';

const EVENTS = 3_000;
const WRITERS = 4;
/** The broker the relay and the consumer use: one node of the spec cluster, never the machine's shared broker. */
const NODE = 1;

/**
 * The relay and a consumer on one connection, as in a service, while their broker node stops
 * (the app of that one node only, closing every connection and refusing new ones) and starts again: they
 * recover on their own and lose nothing. The queue has members on the other nodes, but the
 * connection knows only this node: for the service it is a whole broker outage.
 */
describe('OutboxRelay and consumer through a broker outage', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let consumer: QueueConsumer;

  beforeAll(async () => {
    ensureCluster();
    scene = await relayScene(WRITERS);
    connection = new AmqpConnection({ url: nodeAmqpUrl(NODE), name: 'outage-spec', maxReconnectDelayMs: 1_000 });
    await connection.start();
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes: [{ queue: scene.queue, eventTypes: null }],
      batchSize: 100,
    });
    await relay.start();
    consumer = await startEffectsConsumer(scene, connection);
  }, 600_000);

  afterAll(async () => {
    startApp(NODE);
    await consumer?.stop();
    await relay?.stop();
    await connection?.close();
    if (scene) await deleteQueues([scene.queue], nodeAmqpUrl(NODE));
    await scene?.cleanUp({ queuesDeleted: true });
  }, 180_000);

  it('recovers on its own and loses nothing', async () => {
    let remaining = EVENTS;
    const writer = async (w: number) => {
      for (let version = 0; remaining > 0;) {
        const count = Math.min(remaining, 1 + Math.floor(Math.random() * 3));
        remaining -= count;
        await appendEvents(scene.pool, scene.schema, `account-${w}-${scene.schema}`, version, count);
        version += count;
        await sleep(10);
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const report = () => effectsReport(scene.dataSource, scene.schema);

    await eventually(async () => (await report()).effects > 200, 20_000);
    let disconnectedSeen = false;
    connection.once('disconnected', () => (disconnectedSeen = true));
    try {
      stopApp(NODE);
      // The outage lasts until both sides saw it and the writers went on past it: a backlog to deliver afterwards.
      const writtenAtStop = (await report()).events;
      await eventually(async () => disconnectedSeen && (await report()).events >= Math.min(EVENTS, writtenAtStop + 300), 30_000, 100);
      expect((await report()).effects).toBeLessThan(EVENTS);
    } finally {
      startApp(NODE);
    }
    await writing;

    await eventually(async () => (await report()).distinct_effects >= EVENTS, 60_000, 250);
    expect(connection.isConnected).toBe(true);
    expect(await report()).toEqual({ events: EVENTS, effects: EVENTS, distinct_effects: EVENTS, missing: 0 });
    await eventually(async () => (await relay.admin.list())[0].lagEvents === 0, 10_000);
  });
});
