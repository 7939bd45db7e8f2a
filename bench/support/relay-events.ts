import type { OutboxRow } from '@app/relay';
import { Pool } from 'pg';

/** Columns both the raw ceiling and the relay need to build a message (the relay's own row, minus its cursor bookkeeping). */
export type BenchRow = Omit<OutboxRow, 'transaction_id' | 'previous_version'>;

/**
 * Fills `schema.events` with `count` events of about 250 bytes of data each, spread over 1,000
 * streams, in transactions of 10,000 (several transaction ids, as in real life).
 */
export async function prefillEvents(pool: Pool, schema: string, count: number): Promise<{ dataBytes: number }> {
  const perTransaction = 10_000;
  for (let from = 0; from < count; from += perTransaction) {
    const to = Math.min(count, from + perTransaction) - 1;
    await pool.query(
      `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata)
       SELECT gen_random_uuid(), 'account-' || (g % 1000), g / 1000 + 1, 'LimitUpdated',
              jsonb_build_object('id', md5(g::text)::uuid, 'newLimit', 100000 + g, 'oldLimit', 99000 + g,
                                 'currency', 'EUR', 'reason', 'periodic review', 'note', repeat('n', 140)),
              jsonb_build_object('correlationId', md5((g + 1)::text)::uuid, 'actor', 'bench')
         FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
  }
  await pool.query(`VACUUM ANALYZE "${schema}".events`);
  const { rows } = await pool.query<{ bytes: number }>(`SELECT avg(length(data::text))::int AS bytes FROM "${schema}".events`);
  return { dataBytes: rows[0].bytes };
}

/** Reads every event in keyset batches through bare `pg`: the read half of the raw ceiling. */
export async function* readAllRaw(pool: Pool, schema: string, batchSize: number): AsyncGenerator<BenchRow[]> {
  let after = '0';
  for (;;) {
    const { rows } = await pool.query<BenchRow>(
      `SELECT global_position, event_id, stream_id, stream_version, type, schema_version,
              data::text AS data, metadata::text AS metadata,
              metadata->>'correlationId' AS correlation_id, metadata->>'causationId' AS causation_id,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              floor(extract(epoch FROM recorded_at))::float8 AS recorded_epoch_seconds
         FROM "${schema}".events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) return;
    after = rows[rows.length - 1].global_position;
    yield rows;
  }
}
