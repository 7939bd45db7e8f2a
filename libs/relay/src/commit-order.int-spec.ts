import { AmqpConnection } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { OutboxRelay } from './outbox-relay';
import { Arrival, RelayScene, appendEvents, recordArrivals, relayScene, versionsByStream } from './test/relay-test-kit';

const WRITERS = 16;
const STREAMS = 200;
const EVENTS = 5_000;

describe('OutboxRelay and late commits', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };

  beforeAll(async () => {
    scene = await relayScene(WRITERS);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'commit-order-spec' });
    await connection.start();
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes: [{ queue: scene.queue, eventTypes: null }],
      batchSize: 200,
    });
    await relay.start();
    recorder = await recordArrivals(scene.queue);
  });

  afterAll(async () => {
    await recorder?.stop();
    await relay?.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('delivers every event, none skipped, each stream in version order, although positions commit out of order', async () => {
    const streams = Array.from({ length: STREAMS }, (_, i) => `account-${i}-${scene.schema}`);
    const versions = new Map(streams.map((s) => [s, 0]));
    let remaining = EVENTS;
    let lateCommits = 0;
    let highestCommitted = 0;
    let overtaken = 0;
    // Writer w owns streams w, w+16, …: appends to one stream never race, appends across streams do.
    const writer = async (w: number) => {
      const mine = streams.filter((_, i) => i % WRITERS === w);
      for (let turn = 0; remaining > 0; turn++) {
        const count = Math.min(remaining, 1 + Math.floor(Math.random() * 3));
        remaining -= count;
        const streamId = mine[turn % mine.length];
        // About a third of the transactions stay open up to 300 ms after their positions were taken.
        const holdMs = Math.random() < 0.35 ? Math.floor(Math.random() * 300) : 0;
        if (holdMs > 0) lateCommits++;
        const { lastPosition } = await appendEvents(scene.pool, scene.schema, streamId, versions.get(streamId)!, count, holdMs);
        if (lastPosition < highestCommitted) overtaken++;
        highestCommitted = Math.max(highestCommitted, lastPosition);
        versions.set(streamId, versions.get(streamId)! + count);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    // The scenario really happened: many transactions committed after a higher position had.
    expect(lateCommits).toBeGreaterThan(100);
    expect(overtaken).toBeGreaterThan(100);

    await eventually(() => recorder.arrivals.length >= EVENTS, 60_000);
    const stored: { event_id: string }[] = await scene.dataSource.query(`SELECT event_id FROM "${scene.schema}".events`);
    expect(stored).toHaveLength(EVENTS);
    expect(new Set(recorder.arrivals.map((a) => a.eventId))).toEqual(new Set(stored.map((row) => row.event_id)));
    expect(recorder.arrivals).toHaveLength(EVENTS);
    for (const [streamId, arrived] of versionsByStream(recorder.arrivals)) {
      expect({ streamId, arrived }).toEqual({ streamId, arrived: Array.from({ length: versions.get(streamId)! }, (_, i) => i + 1) });
    }
    const [subscription] = await relay.admin.list();
    expect(subscription.lagEvents).toBe(0);
  });
});
