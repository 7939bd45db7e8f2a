import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { RelayProcess } from './test/relay-process';
import { RelayScene, appendEvents, effectsReport, relayScene, sleep, startEffectsConsumer } from './test/relay-test-kit';

const EVENTS = 5_000;
const WRITERS = 8;
const KILLS = 4;

describe('OutboxRelay process killed with SIGKILL while events flow', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let consumer: QueueConsumer;
  let relays: RelayProcess[] = [];

  beforeAll(async () => {
    scene = await relayScene(WRITERS);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'crash-spec-consumer' });
    await connection.start();
    consumer = await startEffectsConsumer(scene, connection);
    // One process per kill plus a survivor, all started up front: each SIGKILL hands over to a
    // warm standby, as it would between the instances of a service.
    relays = Array.from({ length: KILLS + 1 }, (_, i) =>
      RelayProcess.start({
        name: `crash-spec-relay-${i}`,
        databaseUrl: testDatabaseUrl(),
        amqpUrl: testAmqpUrl(),
        schema: scene.schema,
        producer: 'account',
        routes: [{ queue: scene.queue, eventTypes: null }],
        batchSize: 100,
        leaderRetryIntervalMs: 250,
      }),
    );
    await Promise.all(relays.map((relay) => relay.waitFor('ready', 60_000)));
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.kill('SIGKILL')));
    await consumer?.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  const currentLeader = () =>
    eventually(() => relays.find((relay) => relay.isRunning && relay.output.includes('relay-runner: leader')), 10_000, 20);

  it('loses nothing, and the consumer applies each event exactly once', async () => {
    let remaining = EVENTS;
    const writer = async (w: number) => {
      for (let version = 0; remaining > 0;) {
        const count = Math.min(remaining, 1 + Math.floor(Math.random() * 5));
        remaining -= count;
        await appendEvents(scene.pool, scene.schema, `account-${w}-${scene.schema}`, version, count);
        version += count;
        await sleep(10);
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const killedMidFlow: boolean[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const leader = await currentLeader();
      await eventually(() => leader.output.includes('relay-runner: published'), 10_000, 20);
      await sleep(200 + Math.random() * 300);
      killedMidFlow.push(remaining > 0 || (await effectsReport(scene.dataSource, scene.schema)).distinct_effects < EVENTS);
      await leader.kill('SIGKILL');
    }
    await writing;
    await currentLeader();

    await eventually(async () => (await effectsReport(scene.dataSource, scene.schema)).distinct_effects >= EVENTS, 60_000, 250);
    expect(killedMidFlow).toEqual(Array(KILLS).fill(true));
    expect(relays.filter((relay) => relay.isRunning)).toHaveLength(1);
    expect(await effectsReport(scene.dataSource, scene.schema)).toEqual({
      events: EVENTS,
      effects: EVENTS,
      distinct_effects: EVENTS,
      missing: 0,
    });
  });
});
