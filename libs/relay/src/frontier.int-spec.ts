import { AmqpConnection } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Client, PoolClient } from 'pg';
import { register } from 'prom-client';
import { OutboxRelay } from './outbox-relay';
import { Arrival, RelayScene, appendEvents, recordArrivals, relayScene, sleep } from './test/relay-test-kit';

class CollectingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown, context?: string) {
    this.lines.push(`${context}: ${String(message)}`);
  }
  override warn(message: unknown, context?: string) {
    this.lines.push(`${context}: ${String(message)}`);
  }
}

const heldSecondsMetric = async (producer: string): Promise<number> => {
  const metric = await register.getSingleMetric('relay_frontier_held_seconds')!.get();
  return metric.values.find((v) => v.labels.producer === producer)?.value ?? -1;
};

describe('OutboxRelay commit frontier', () => {
  const logger = new CollectingLogger();
  let scene: RelayScene;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };
  let holder: PoolClient;

  beforeAll(async () => {
    Logger.overrideLogger(logger);
    scene = await relayScene(4);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'frontier-spec' });
    await connection.start();
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes: [{ queue: scene.queue, eventTypes: null }],
      frontierCheckIntervalMs: 100,
      frontierWarnAfterMs: 500,
    });
    await relay.start();
    recorder = await recordArrivals(scene.queue);
  });

  afterAll(async () => {
    await holder?.query('ROLLBACK').catch(() => undefined);
    holder?.release();
    await recorder?.stop();
    await relay?.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('reports which transaction holds it and for how long, then delivers the waiting events once it commits', async () => {
    const held = `account-held-${scene.schema}`;
    const later = `account-later-${scene.schema}`;
    holder = await scene.pool.connect();
    await holder.query('BEGIN');
    await holder.query(
      `INSERT INTO "${scene.schema}".events (event_id, stream_id, stream_version, type, data)
       VALUES (gen_random_uuid(), $1, 1, 'LimitUpdated', '{"id": "00000000-0000-4000-8000-00000000000a", "newLimit": 1, "oldLimit": 0}')`,
      [held],
    );
    const [{ xid, pid }] = (await holder.query(`SELECT pg_current_xact_id()::text AS xid, pg_backend_pid() AS pid`)).rows;
    await appendEvents(scene.pool, scene.schema, later, 0, 10);

    const hold = await eventually(() => {
      const current = relay.frontierHold;
      return current && current.transactionId === xid && current.heldSeconds >= 1 ? current : undefined;
    }, 10_000);
    expect(hold).toMatchObject({ transactionId: xid, pid });
    expect(hold.transactionStartedAt).toBeInstanceOf(Date);
    expect(await heldSecondsMetric('account')).toBeGreaterThanOrEqual(1);
    expect(logger.lines.some((line) => line.includes(`by transaction ${xid}`) && line.includes(`pid ${pid}`))).toBe(true);
    await sleep(300);
    expect(recorder.arrivals).toEqual([]);

    await holder.query('COMMIT');
    await eventually(() => recorder.arrivals.length >= 11, 10_000);
    expect(recorder.arrivals.map((a) => `${a.streamId === held ? 'held' : 'later'}:${a.version}`)).toEqual([
      'held:1',
      ...Array.from({ length: 10 }, (_, i) => `later:${i + 1}`),
    ]);
    await eventually(() => relay.frontierHold === undefined, 5_000);
    expect(await heldSecondsMetric('account')).toBe(0);
    expect(logger.lines.some((line) => line.includes('commit frontier released') && line.includes(xid))).toBe(true);
  });

  it('is not held back by a transaction in another database, which can never write these events', async () => {
    const elsewhere = new Client({ connectionString: otherDatabaseUrl() });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const before = recorder.arrivals.length;
      const streamId = `account-free-${scene.schema}`;
      await appendEvents(scene.pool, scene.schema, streamId, 0, 5);
      await eventually(() => recorder.arrivals.filter((a) => a.streamId === streamId).length === 5, 5_000);
      expect(recorder.arrivals).toHaveLength(before + 5);
      await sleep(300);
      expect(relay.frontierHold).toBeUndefined();
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
    }
  });
});

/** The server's maintenance database: same cluster, different database. */
function otherDatabaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = '/postgres';
  return url.toString();
}
