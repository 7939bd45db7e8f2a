import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { OutboxRelay } from './outbox-relay';
import {
  RelayScene,
  appendEvents,
  effectsReport,
  ensureBrokerRunning,
  rabbitmqctl,
  relayScene,
  sleep,
  startEffectsConsumer,
} from './test/relay-test-kit';

const EVENTS = 3_000;
const WRITERS = 4;

describe('OutboxRelay and consumer through a broker outage', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let consumer: QueueConsumer;

  beforeAll(async () => {
    scene = await relayScene(WRITERS);
    // One connection for the relay and the consumer, as in a service.
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'outage-spec', maxReconnectDelayMs: 1_000 });
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
  });

  afterAll(async () => {
    await ensureBrokerRunning();
    await consumer?.stop();
    await relay?.stop();
    await connection?.close();
    await scene?.cleanUp();
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

    await eventually(async () => (await effectsReport(scene.dataSource, scene.schema)).effects > 200, 20_000);
    let disconnectedSeen = false;
    const sawDisconnect = () => (disconnectedSeen = true);
    connection.once('disconnected', sawDisconnect);
    try {
      await rabbitmqctl('stop_app');
      await sleep(4_000);
      const duringOutage = await effectsReport(scene.dataSource, scene.schema);
      expect(duringOutage.effects).toBeLessThan(EVENTS);
    } finally {
      await ensureBrokerRunning();
    }
    expect(disconnectedSeen).toBe(true);
    await writing;

    await eventually(async () => (await effectsReport(scene.dataSource, scene.schema)).distinct_effects >= EVENTS, 60_000, 250);
    expect(connection.isConnected).toBe(true);
    expect(await effectsReport(scene.dataSource, scene.schema)).toEqual({
      events: EVENTS,
      effects: EVENTS,
      distinct_effects: EVENTS,
      missing: 0,
    });
    await eventually(async () => (await relay.admin.list())[0].lagEvents === 0, 10_000);
  });
});
