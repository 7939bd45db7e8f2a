import { AmqpConnection, declareConsumerQueue } from '@app/messaging';
import { freshEventStore, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { Pool } from 'pg';
import { prefillEvents } from '../../../../bench/support/relay-events';
import { OutboxRelay, relayMetrics, SubscriptionStore } from '../index';

(async () => {
  const { schema, dataSource } = await freshEventStore('bench');
  await dataSource.destroy();
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
  await prefillEvents(pool, schema, 50_000);
  const store = new SubscriptionStore(pool, schema);
  await store.ensure([{ queue: 'x', eventTypes: null }]);
  let sub = (await store.get('x'))!;
  let t = performance.now(); let n = 0;
  for (;;) {
    const rows = await store.readBatch(sub, 500);
    if (!rows.length) break;
    n += rows.length;
    const last = rows[rows.length - 1];
    sub = { ...sub, cursorTransactionId: last.transaction_id, cursorPosition: last.global_position };
  }
  console.log('relay read only events/s', Math.round(n / ((performance.now() - t) / 1000)));
  t = performance.now(); n = 0;
  const { readAllRaw } = await import('../../../../bench/support/relay-events');
  for await (const rows of readAllRaw(pool, schema, 500)) n += rows.length;
  console.log('raw read only events/s', Math.round(n / ((performance.now() - t) / 1000)));
  sub = (await store.get('x'))!;
  t = performance.now(); n = 0;
  for (;;) {
    const rows = await store.readBatch(sub, 500);
    if (!rows.length) break;
    n += rows.length;
    const last = rows[rows.length - 1];
    sub = { ...sub, cursorTransactionId: last.transaction_id, cursorPosition: last.global_position };
  }
  console.log('relay read only again events/s', Math.round(n / ((performance.now() - t) / 1000)));
  const sql = `EXPLAIN (ANALYZE, BUFFERS) SELECT e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.stream_id,
              e.stream_version, e.type, e.schema_version, e.data::text AS data, e.metadata::text AS metadata,
              e.metadata->>'correlationId' AS correlation_id, e.metadata->>'causationId' AS causation_id,
              e.recorded_at,
              CASE WHEN $4::text[] IS NULL THEN e.stream_version - 1 ELSE (
                SELECT coalesce(max(p.stream_version), 0) FROM "${schema}".events p
                 WHERE p.stream_id = e.stream_id AND p.stream_version < e.stream_version AND p.type = ANY($4)
              ) END AS previous_version
         FROM "${schema}".events e
        WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND e.transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
          AND ($4::text[] IS NULL OR e.type = ANY($4))
        ORDER BY e.transaction_id, e.global_position
        LIMIT $3`;
  const { rows: plan } = await pool.query(sql, ['0', '25000', 500, null]);
  console.log(plan.map((r: any) => r['QUERY PLAN']).join('\n'));
  const connection = new AmqpConnection({ url: testAmqpUrl(), name: 'scratch' });
  await connection.start();
  const queue = `scratch${uniqueSuffix()}.account-events`;
  const rawQueue = `scratch${uniqueSuffix()}.account-events`;
  if (!process.env.RELAY_ONLY) {
    const ch0 = await connection.current().createChannel();
    await declareConsumerQueue(ch0, rawQueue);
    const { rawDeliver } = await import('../../../../bench/support/relay-raw-ceiling');
    const cc = await connection.current().createConfirmChannel();
    const r = await rawDeliver(pool, schema, [{ channel: cc, queue: rawQueue }], 500);
    console.log('raw deliver events/s', Math.round(r.events / (r.elapsedMs / 1000)));
    await ch0.deleteQueue(rawQueue); await ch0.deleteQueue(rawQueue + '.retry'); await ch0.deleteQueue(rawQueue + '.dlq');
  }
  const timing: Record<string, number> = {};
  const wrap = (proto: any, name: string) => {
    const original = proto[name];
    proto[name] = async function (...args: unknown[]) {
      const t0 = performance.now();
      try { return await original.apply(this, args); } finally { timing[name] = (timing[name] ?? 0) + performance.now() - t0; }
    };
  };
  const { ConfirmPublisher } = await import('@app/messaging');
  wrap(SubscriptionStore.prototype, 'readBatch');
  wrap(SubscriptionStore.prototype, 'moveCursor');
  wrap(SubscriptionStore.prototype, 'get');
  wrap(ConfirmPublisher.prototype, 'publish');
  const relay = new OutboxRelay({ databaseUrl: testDatabaseUrl(), schema, producer: 'account', connection, routes: [{ queue, eventTypes: null }], batchSize: 500 });
  t = performance.now();
  await relay.start();
  for (;;) {
    const { values } = await relayMetrics.published.get();
    const total = values.filter((v) => v.labels.queue === queue).reduce((a, v) => a + v.value, 0);
    if (total >= 50_000) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  console.log(timing);
  console.log('relay events/s', Math.round(50_000 / ((performance.now() - t) / 1000)));
  await relay.stop();
  const ch = await connection.current().createChannel();
  await ch.deleteQueue(queue); await ch.deleteQueue(queue + '.retry'); await ch.deleteQueue(queue + '.dlq');
  await connection.close();
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
  void declareConsumerQueue;
})();
