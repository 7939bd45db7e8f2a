import { CommitSignal, EventStore, eventsChannel } from '@app/eventstore';
import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { Client } from 'pg';
import { register } from 'prom-client';
import { OutboxRelay, RelayRoute } from './outbox-relay';
import {
  Arrival,
  RelayScene,
  appendEvents,
  deleteQueues,
  recordArrivals,
  relayScene,
  sleep,
  startEffectsConsumer,
} from './test/relay-test-kit';

/** Account ids are UUIDs by contract, and the consumer checks every event at its door. */
const ACCOUNT_ID = '00000000-0000-4000-8000-00000000000a';

const metricValue = async (name: string, queue: string): Promise<number> => {
  const metric = await register.getSingleMetric(name)!.get();
  return metric.values.find((v) => v.labels.queue === queue)?.value ?? 0;
};

describe('OutboxRelay delivering into consumer queues', () => {
  let scene: RelayScene & { queues: string[] };
  let connection: AmqpConnection;
  const relays: OutboxRelay[] = [];
  const recorders: { stop(): Promise<void> }[] = [];

  const startRelay = async (
    routes: RelayRoute[],
    extra: { maxBackoffMs?: number; pollIntervalMs?: number; commitSignal?: CommitSignal } = {},
  ) => {
    const relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes,
      ...extra,
    });
    relays.push(relay);
    await relay.start();
    return relay;
  };
  const newQueue = () => {
    const queue = `t${uniqueSuffix()}.account-events`;
    scene.queues.push(queue);
    return queue;
  };
  const record = async (queue: string): Promise<Arrival[]> => {
    const recorder = await recordArrivals(queue);
    recorders.push(recorder);
    return recorder.arrivals;
  };

  const eventCount = async (): Promise<number> =>
    (await scene.dataSource.query(`SELECT count(*)::int AS n FROM "${scene.schema}".events`))[0].n;

  beforeAll(async () => {
    scene = await relayScene(4);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'relay-int-spec' });
    await connection.start();
  });

  // Relays of one schema compete for one leadership: each test's relay stops when the test ends.
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
  });

  afterAll(async () => {
    for (const recorder of recorders) await recorder.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('delivers every appended event once through the inbox, in version order per stream', async () => {
    const relay = await startRelay([{ queue: scene.queue, eventTypes: null }]);
    const consumer: QueueConsumer = await startEffectsConsumer(scene, connection);
    const store = new EventStore(scene.schema);
    const streams = Array.from({ length: 10 }, (_, i) => `account-${i}-${uniqueSuffix()}`);
    for (let version = 0; version < 10; version++) {
      await Promise.all(
        streams.map((streamId) =>
          scene.dataSource.transaction((m) =>
            store.append(m, streamId, version, [
              { type: 'LimitUpdated', data: { id: ACCOUNT_ID, newLimit: version, oldLimit: 0, n: version } },
            ]),
          ),
        ),
      );
    }
    await eventually(async () => (await scene.dataSource.query(`SELECT count(*)::int AS n FROM "${scene.schema}".effects`))[0].n === 100);
    const applied: { stream_id: string; versions: number[] }[] = await scene.dataSource.query(
      `SELECT stream_id, array_agg(version ORDER BY ctid) AS versions FROM "${scene.schema}".effects GROUP BY stream_id`,
    );
    expect(applied).toHaveLength(10);
    for (const stream of applied) expect(stream.versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await eventually(async () => (await relay.admin.list())[0].lagEvents === 0);
    expect(await metricValue('relay_events_published_total', scene.queue)).toBe(100);
    await consumer.stop();
  });

  it('is woken directly by the commit signal it was handed: no NOTIFY, no waiting for the poll', async () => {
    const queue = newQueue();
    const arrivals = await record(queue);
    const signal = new CommitSignal(scene.dataSource, scene.schema);
    const relay = await startRelay([{ queue, eventTypes: null }], { pollIntervalMs: 60_000, commitSignal: signal });
    await eventually(async () => relay.isLeader && (await relay.admin.list())[0].lagEvents === 0);
    const listener = new Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    const notifications: unknown[] = [];
    listener.on('notification', (notification) => notifications.push(notification));
    await listener.query(`LISTEN "${eventsChannel(scene.schema)}"`);
    try {
      await sleep(200); // the relay's first read after its election is over: only a wake can start the next
      const streamId = `account-local-${uniqueSuffix()}`;
      await scene.dataSource.transaction((m) =>
        new EventStore(scene.schema).append(m, streamId, 0, [{ type: 'LimitUpdated', data: { id: ACCOUNT_ID, newLimit: 1, oldLimit: 0 } }]),
      );
      signal.committed();
      await eventually(() => arrivals.some((arrival) => arrival.streamId === streamId), 5_000);
      expect(notifications).toEqual([]);

      // Another signal of the same schema is not wired to this relay (no process-wide registry): it notifies.
      const other = `account-other-${uniqueSuffix()}`;
      await scene.dataSource.transaction((m) =>
        new EventStore(scene.schema).append(m, other, 0, [{ type: 'LimitUpdated', data: { id: ACCOUNT_ID, newLimit: 1, oldLimit: 0 } }]),
      );
      new CommitSignal(scene.dataSource, scene.schema).committed();
      await eventually(() => notifications.length > 0, 5_000);
      await eventually(() => arrivals.some((arrival) => arrival.streamId === other), 5_000);
    } finally {
      await listener.end();
    }
  });

  it('sends only the subscribed types, telling the consumer which version came before in its queue', async () => {
    const queue = newQueue();
    const arrivals = await record(queue);
    await startRelay([{ queue, eventTypes: ['AccountOpened', 'StatusChanged'] }]);
    const streamId = `account-filter-${uniqueSuffix()}`;
    const store = new EventStore(scene.schema);
    await scene.dataSource.transaction((m) =>
      store.append(m, streamId, 0, [
        { type: 'AccountOpened', data: { id: 'a' }, metadata: { correlationId: 'c-1', causationId: 'k-1' } },
        { type: 'LimitUpdated', data: { id: 'a' } },
        { type: 'StatusChanged', data: { id: 'a' } },
      ]),
    );
    await eventually(() => arrivals.length >= 2);
    await sleep(300);
    expect(arrivals.map(({ type, version, previousVersion }) => ({ type, version, previousVersion }))).toEqual([
      { type: 'AccountOpened', version: 1, previousVersion: 0 },
      { type: 'StatusChanged', version: 3, previousVersion: 1 },
    ]);
    // One append: both events sent to this queue are its first and second, LimitUpdated not counted.
    expect(arrivals.map(({ append }) => append)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    const [stored] = await scene.dataSource.query(
      `SELECT event_id, global_position::text AS position, recorded_at FROM "${scene.schema}".events WHERE stream_id = $1 AND stream_version = 1`,
      [streamId],
    );
    expect(arrivals[0].body).toEqual({
      eventId: stored.event_id,
      type: 'AccountOpened',
      streamId,
      streamVersion: 1,
      schemaVersion: 1,
      globalPosition: stored.position,
      occurredAt: (stored.recorded_at as Date).toISOString(),
      data: { id: 'a' },
      metadata: { correlationId: 'c-1', causationId: 'k-1' },
    });
  });

  it('backs off a queue that cannot take messages without holding back the others, and loses nothing there', async () => {
    const healthy = newQueue();
    const broken = newQueue();
    const healthyArrivals = await record(healthy);
    // `broken` starts paused: deleting a quorum queue while a channel publishes to it crashes that
    // channel's connection in RabbitMQ 3.10, which is not what this test is about.
    await scene.dataSource.query(`INSERT INTO "${scene.schema}".subscriptions (name, status) VALUES ($1, 'paused')`, [broken]);
    const relay = await startRelay(
      [
        { queue: healthy, eventTypes: null },
        { queue: broken, eventTypes: null },
      ],
      { maxBackoffMs: 800 },
    );
    // From now on the broker returns every message for `broken` as unroutable (mandatory).
    await deleteQueues([broken]);
    await relay.admin.resume(broken);
    const streamId = `account-iso-${uniqueSuffix()}`;
    for (let i = 0; i < 5; i++) await appendEvents(scene.pool, scene.schema, streamId, i * 20, 20);
    const total = await eventCount();

    await eventually(() => healthyArrivals.length === total, 10_000);
    await eventually(async () => (await metricValue('relay_destination_failures_total', broken)) >= 2, 10_000);
    const brokenLag = (await relay.admin.list()).find((s) => s.name === broken)!;
    expect(brokenLag.lagEvents).toBeGreaterThanOrEqual(100);

    const brokenArrivals = await record(broken);
    await eventually(() => brokenArrivals.length >= brokenLag.lagEvents, 10_000);
    expect(brokenArrivals.filter((a) => a.streamId === streamId).map((a) => a.version)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('pauses, resumes, and rewinds one subscription, a rewind to 0 first telling the consumer to rebuild', async () => {
    const queue = newQueue();
    const arrivals = await record(queue);
    const relay = await startRelay([{ queue, eventTypes: null }]);
    const history = await eventCount();
    await eventually(() => arrivals.length === history, 10_000);

    await relay.admin.pause(queue);
    const streamId = `account-pause-${uniqueSuffix()}`;
    await appendEvents(scene.pool, scene.schema, streamId, 0, 5);
    await sleep(500);
    expect(arrivals).toHaveLength(history);
    expect((await relay.admin.list()).find((s) => s.name === queue)).toMatchObject({ status: 'paused', lagEvents: 5 });

    await relay.admin.resume(queue);
    await eventually(() => arrivals.length === history + 5, 5_000);

    await relay.admin.rewind(queue, 0);
    await eventually(() => arrivals.length === 2 * (history + 5) + 1, 10_000);
    const replay = arrivals.slice(history + 5);
    expect(replay[0]).toMatchObject({ type: '$rebuild', body: expect.objectContaining({ data: { queue } }) });
    expect(new Set(replay.slice(1).map((a) => a.eventId))).toEqual(new Set(arrivals.slice(0, history + 5).map((a) => a.eventId)));
    await expect(relay.admin.rewind('nope.account-events', 0)).rejects.toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
  });

  it('rewinds to a position without skipping a transaction that is still open at that moment', async () => {
    const queue = newQueue();
    const arrivals = await record(queue);
    const relay = await startRelay([{ queue, eventTypes: null }]);
    const open = await scene.pool.connect();
    try {
      // The open transaction takes its id first; a younger one commits after it, at a higher position.
      await open.query('BEGIN');
      const late = `account-late-${uniqueSuffix()}`;
      await open.query(
        `INSERT INTO "${scene.schema}".events (event_id, stream_id, stream_version, type, data)
         VALUES (gen_random_uuid(), $1, 1, 'LimitUpdated', '{"id": "00000000-0000-4000-8000-00000000000a", "newLimit": 1, "oldLimit": 0}')`,
        [late],
      );
      await appendEvents(scene.pool, scene.schema, `account-younger-${uniqueSuffix()}`, 0, 3);
      const [{ last }] = await scene.dataSource.query(`SELECT max(global_position)::int AS last FROM "${scene.schema}".events`);
      await relay.admin.rewind(queue, last);
      await open.query('COMMIT');
      await eventually(() => arrivals.some((a) => a.streamId === late), 10_000);
    } finally {
      open.release();
    }
  });

  it('tells the consumer which events of a stream one append holds, and re-delivers one stream from a version on request', async () => {
    const queue = newQueue();
    const all = await record(queue);
    const relay = await startRelay([{ queue, eventTypes: null }]);
    const streamId = `account-append-${uniqueSuffix()}`;
    const arrivals = () => all.filter((arrival) => arrival.streamId === streamId);
    const store = new EventStore(scene.schema);
    await scene.dataSource.transaction((m) => store.append(m, streamId, 0, [{ type: 'AccountOpened', data: { id: 'a' } }]));
    await scene.dataSource.transaction((m) =>
      store.append(m, streamId, 1, [
        { type: 'LimitUpdated', data: { id: 'a' } },
        { type: 'StatusChanged', data: { id: 'a' } },
      ]),
    );
    await eventually(() => arrivals().length >= 3);
    const places = () => arrivals().map(({ version, previousVersion, append }) => ({ version, previousVersion, append }));
    expect(places()).toEqual([
      { version: 1, previousVersion: 0, append: { index: 1, count: 1 } },
      { version: 2, previousVersion: 1, append: { index: 1, count: 2 } },
      { version: 3, previousVersion: 2, append: { index: 2, count: 2 } },
    ]);

    expect(await relay.redeliverStream(queue, streamId, 2)).toEqual({ name: queue, streamId, fromVersion: 2, events: 2 });
    await eventually(() => arrivals().length >= 5);
    expect(places().slice(3)).toEqual(places().slice(1, 3));
    await expect(relay.redeliverStream(`t${uniqueSuffix()}.account-events`, streamId, 2)).rejects.toMatchObject({
      code: 'SUBSCRIPTION_NOT_FOUND',
    });
  });
});
