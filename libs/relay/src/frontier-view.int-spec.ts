import { AmqpConnection } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { PoolClient } from 'pg';
import { register } from 'prom-client';
import { OutboxRelay } from './outbox-relay';
import { RelayScene, appendEvents, relayScene } from './test/relay-test-kit';

const metricValue = async (name: string, producer: string): Promise<number> => {
  const metric = await register.getSingleMetric(name)!.get();
  return metric.values.find((v) => v.labels.producer === producer)?.value ?? 0;
};

describe('A held commit frontier, as operators see it', () => {
  let scene: RelayScene;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let holder: PoolClient | undefined;

  beforeAll(async () => {
    scene = await relayScene(4);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'frontier-view-spec' });
    await connection.start();
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      routes: [{ queue: scene.queue, eventTypes: null }],
      frontierCheckIntervalMs: 100,
      frontierWarnAfterMs: 500,
      leaderRetryIntervalMs: 5_000,
    });
    await relay.start();
    await eventually(() => relay.isLeader, 10_000);
  });

  afterAll(async () => {
    await holder?.query('ROLLBACK').catch(() => undefined);
    holder?.release();
    await relay?.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('shows the holding backend, its query and for how long; warns past the threshold; zeroes the gauge when leadership moves', async () => {
    expect(await relay.frontierView()).toMatchObject({ held: false, relayRefusal: null });
    holder = await scene.pool.connect();
    const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await holder.query('BEGIN');
    await holder.query(`/* forgotten batch job */ INSERT INTO "${scene.schema}".events (event_id, stream_id, stream_version, type, data)
      VALUES (gen_random_uuid(), 'account-held-${scene.schema}', 1, 'LimitUpdated', '{"id": "00000000-0000-4000-8000-00000000000a", "newLimit": 1, "oldLimit": 0}')`);
    await appendEvents(scene.pool, scene.schema, `account-later-${scene.schema}`, 0, 3);

    const view = await eventually(
      async () => {
        const seen = await relay.frontierView();
        return seen.held && (seen.heldSeconds ?? 0) >= 0.5 ? seen : undefined;
      },
      10_000,
      100,
    );
    expect(view).toMatchObject({ held: true, pid: rows[0].pid, warnAfterSeconds: 0.5 });
    expect(view.held && view.query).toContain('forgotten batch job');
    await eventually(async () => (await metricValue('relay_frontier_hold_warnings_total', 'account')) >= 1, 10_000);
    expect(await metricValue('relay_frontier_held_seconds', 'account')).toBeGreaterThan(0);

    // Leadership moves away from this process: its gauge must not keep reporting a hold.
    await scene.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      `leader:relay:${scene.schema}`,
    ]);
    await eventually(() => !relay.isLeader, 5_000, 20);
    expect(await metricValue('relay_frontier_held_seconds', 'account')).toBe(0);
    expect(relay.frontierHold).toBeUndefined();

    await holder.query('ROLLBACK');
    await eventually(async () => !(await relay.frontierView()).held, 10_000, 100);
  });
});
