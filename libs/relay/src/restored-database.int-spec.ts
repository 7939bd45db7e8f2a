import { AmqpConnection } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { OutboxRelay } from './outbox-relay';
import { Arrival, RelayScene, appendEvents, recordArrivals, relayScene, sleep } from './test/relay-test-kit';

/**
 * A database restored from a cluster that had handed out more transaction ids than this one: its
 * events and cursors carry ids this server has not reached yet.
 */
describe('A relay over a restored database whose stored transaction ids are ahead', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };
  let relay: OutboxRelay | undefined;

  /** Appends `count` events of one stream in one transaction whose id is `ahead` past the server's. */
  const appendRestored = async (streamId: string, ahead: number, count = 10): Promise<{ transactionId: string; lastPosition: string }> => {
    const { rows } = await scene.pool.query<{ transaction_id: string; position: string }>(
      `INSERT INTO "${scene.schema}".events (event_id, stream_id, stream_version, type, data, transaction_id)
       SELECT gen_random_uuid(), $1, v, 'LimitUpdated', jsonb_build_object('id', '00000000-0000-4000-8000-00000000000a', 'newLimit', v, 'oldLimit', 0, 'n', v),
              (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + $2)::text::xid8
         FROM generate_series(1, $3) v
       RETURNING transaction_id::text, global_position::text AS position`,
      [streamId, ahead, count],
    );
    return { transactionId: rows[0].transaction_id, lastPosition: rows[rows.length - 1].position };
  };

  beforeAll(async () => {
    scene = await relayScene(4);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'restored-database-spec' });
    await connection.start();
    recorder = await recordArrivals(scene.queue);
  });

  afterAll(async () => {
    await relay?.stop();
    await recorder?.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('refuses to run with a clear message, and after one re-base delivers what was not delivered, in commit order', async () => {
    const [first, second, third] = ['one', 'two', 'three'].map((name) => `account-${name}-${randomUUID()}`);
    const delivered = await appendRestored(first, 1_000_000);
    await appendRestored(second, 1_000_500);
    await appendRestored(third, 2_000_000);
    // Before the dump, the first stream had been delivered.
    await scene.pool.query(
      `INSERT INTO "${scene.schema}".subscriptions (name, cursor_transaction_id, cursor_position) VALUES ($1, $2::xid8, $3)`,
      [scene.queue, delivered.transactionId, delivered.lastPosition],
    );
    // Since the restore, the service kept taking writes.
    const since = `account-since-${randomUUID()}`;
    await appendEvents(scene.pool, scene.schema, since, 0, 5);

    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes: [{ queue: scene.queue, eventTypes: null }],
    });
    await relay.start();
    expect(relay.refusal).toMatch(/restored or migrated/);
    expect(relay.refusal).toContain(`npm run ops -- rebase ${scene.schema}`);
    await sleep(2_000);
    expect(relay.isLeader).toBe(false);
    expect(recorder.arrivals).toHaveLength(0);
    // The lag an operator sees: the two restored transactions past the cursor and the five since.
    expect((await relay.admin.list()).map((s) => s.lagEvents)).toEqual([25]);

    expect(await relay.admin.rebase()).toEqual({ rebased: true, transactions: 4, cursors: 1 });
    await eventually(() => recorder.arrivals.length >= 25, 20_000);
    await sleep(500);
    expect(relay.refusal).toBeUndefined();
    const streams = recorder.arrivals.map((a) => a.streamId);
    expect(streams).not.toContain(first);
    expect(recorder.arrivals).toHaveLength(25);
    // Commit order: the restored transactions in their old order, then what came since.
    expect([...new Set(streams)]).toEqual([second, third, since]);
    for (const stream of [second, third, since]) {
      const versions = recorder.arrivals.filter((a) => a.streamId === stream).map((a) => a.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    }
    await eventually(async () => (await relay!.admin.list())[0].lagEvents === 0, 10_000);

    // New writes flow normally, and a second re-base finds nothing to do.
    const later = `account-later-${randomUUID()}`;
    await appendEvents(scene.pool, scene.schema, later, 0, 3);
    await eventually(() => recorder.arrivals.filter((a) => a.streamId === later).length === 3, 20_000);
    expect(await relay.admin.rebase()).toEqual({ rebased: false, transactions: 0, cursors: 0 });
  });
});
