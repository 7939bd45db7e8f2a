import { freshEventStore } from '@app/testing';
import { DataSource } from 'typeorm';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@app/testing';
import { OUTBOX_COLUMNS, OutboxRow, Subscription, SubscriptionStore } from './subscription-store';

/**
 * A batch's append index and count (each event's place among its stream's events of its
 * transaction, and their number) must not depend on where the batch starts or ends: the store
 * counts the events outside the batch once per stream, and this holds it to the per-row definition.
 */
describe('SubscriptionStore.readBatch', () => {
  let schema: string;
  let dataSource: DataSource;
  let pool: Pool;
  let store: SubscriptionStore;

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    store = new SubscriptionStore(pool, schema);
    // Given transactions of interleaved streams: a long one, small ones, one of a single stream.
    const append = async (events: [stream: string, type: string][]) => {
      const next = new Map<string, number>();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const [stream, type] of events) {
          const { rows } = await client.query<{ v: number }>(
            `SELECT coalesce(max(stream_version), 0) AS v FROM "${schema}".events WHERE stream_id = $1`,
            [stream],
          );
          const version = (next.get(stream) ?? rows[0].v) + 1;
          next.set(stream, version);
          await client.query(
            `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data) VALUES (gen_random_uuid(), $1, $2, $3, '{}')`,
            [stream, version, type],
          );
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await append(Array.from({ length: 23 }, (_, i) => [`s${i % 3}`, i % 4 === 0 ? 'Other' : 'Wanted']));
    await append([
      ['s1', 'Wanted'],
      ['s4', 'Wanted'],
      ['s1', 'Other'],
      ['s1', 'Wanted'],
    ]);
    await append(Array.from({ length: 7 }, () => ['s5', 'Wanted']));
    await append([['s0', 'Wanted']]);
  });

  afterAll(async () => {
    await pool?.end();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const perRow = async (eventTypes: string[] | null): Promise<OutboxRow[]> =>
    (
      await pool.query<OutboxRow>(
        `SELECT ${OUTBOX_COLUMNS(`"${schema}".events`)} FROM "${schema}".events e
          WHERE $1::xid8 IS NOT NULL AND $2::bigint IS NOT NULL AND $3::int IS NOT NULL AND ($4::text[] IS NULL OR e.type = ANY($4))
          ORDER BY e.transaction_id, e.global_position`,
        ['0', '0', 0, eventTypes],
      )
    ).rows;

  const subscription = (eventTypes: string[] | null, after?: OutboxRow): Subscription => ({
    name: 'read-batch-spec',
    eventTypes,
    status: 'active',
    cursorTransactionId: after?.transaction_id ?? '0',
    cursorPosition: after?.global_position ?? '0',
    pendingControl: null,
    backfillRatePerSecond: null,
    backfillUntilPosition: null,
  });

  const places = (rows: readonly OutboxRow[]) =>
    rows.map((row) => `${row.global_position}:${row.append_index}/${row.append_count}<${row.previous_version}`);

  it.each([[null], [['Wanted']]])('gives every event the same place from every cursor and batch size (types %j)', async (eventTypes) => {
    const expected = await perRow(eventTypes);
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.some((row) => row.append_count > 1)).toBe(true);
    for (let from = 0; from < expected.length; from++) {
      for (const limit of [1, 2, 3, 5, 8, 13, 40]) {
        // When read from after the event before `from`, `limit` at a time.
        const batch = await store.readBatch(subscription(eventTypes, expected[from - 1]), limit);
        // Then the batch carries exactly the per-row places of those events.
        expect(places(batch)).toEqual(places(expected.slice(from, from + limit)));
      }
    }
  });
});
