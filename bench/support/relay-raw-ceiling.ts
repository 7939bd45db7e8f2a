import type { ConfirmChannel } from 'amqplib';
import { Pool } from 'pg';
import { BenchRow, readAllRaw } from './relay-events';

export interface Throughput {
  events: number;
  elapsedMs: number;
}

export const perSecond = (t: Throughput): number => t.events / (t.elapsedMs / 1_000);

/** The same envelope, properties and headers the relay sends (docs/architecture.md#queues-and-messages), built by hand. */
function encode(producer: string, row: BenchRow): { content: Buffer; options: Record<string, unknown> } {
  const body =
    `{"eventId":"${row.event_id}","type":${JSON.stringify(row.type)},"schemaVersion":${row.schema_version},` +
    `"streamId":${JSON.stringify(row.stream_id)},"streamVersion":${row.stream_version},` +
    `"globalPosition":"${row.global_position}","occurredAt":"${row.occurred_at}",` +
    `"data":${row.data},"metadata":${row.metadata}}`;
  return {
    content: Buffer.from(body),
    options: {
      messageId: row.event_id,
      type: row.type,
      contentType: 'application/json',
      timestamp: row.recorded_epoch_seconds,
      persistent: true,
      mandatory: true,
      headers: {
        'x-producer': producer,
        'x-stream-id': row.stream_id,
        'x-stream-version': row.stream_version,
        'x-previous-stream-version': row.stream_version - 1,
        'x-global-position': row.global_position,
        'x-correlation-id': row.correlation_id ?? undefined,
        'x-causation-id': row.causation_id ?? undefined,
        'x-schema-version': row.schema_version,
      },
    },
  };
}

/** Bare `pg`: every row in keyset batches, nothing else. */
export async function rawRead(pool: Pool, schema: string, batchSize: number): Promise<Throughput> {
  const started = performance.now();
  let events = 0;
  for await (const rows of readAllRaw(pool, schema, batchSize)) events += rows.length;
  return { events, elapsedMs: performance.now() - started };
}

/**
 * The raw ceiling of delivery: bare `pg` batched reads and bare `amqplib` confirmed publishes.
 * Each queue gets its own reader and confirm channel, runs independently of the others, and keeps
 * up to two batches in flight: the next batch is read and published while the previous one's
 * confirms are awaited. With `durableCursor`, each queue's position is written to a table once its
 * batch is confirmed, in order, as the relay's subscription cursor is. Counts one event per queue delivered.
 */
export async function rawDeliver(
  pool: Pool,
  schema: string,
  targets: { channel: ConfirmChannel; queue: string }[],
  batchSize: number,
  durableCursor = false,
): Promise<Throughput> {
  if (durableCursor) {
    await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".bench_cursors (queue text PRIMARY KEY, position bigint NOT NULL)`);
    for (const { queue } of targets) await pool.query(`INSERT INTO "${schema}".bench_cursors VALUES ($1, 0)`, [queue]);
  }
  const started = performance.now();
  const delivered = await Promise.all(targets.map((target) => deliverTo(pool, schema, target, batchSize, durableCursor)));
  return { events: delivered.reduce((a, b) => a + b, 0), elapsedMs: performance.now() - started };
}

async function deliverTo(
  pool: Pool,
  schema: string,
  target: { channel: ConfirmChannel; queue: string },
  batchSize: number,
  durableCursor: boolean,
) {
  const { channel, queue } = target;
  const inFlight: Promise<unknown>[] = [];
  // Cursor writes chain one after the other, so a later position is never overwritten by an earlier one.
  let saved: Promise<unknown> = Promise.resolve();
  let events = 0;
  for await (const rows of readAllRaw(pool, schema, batchSize)) {
    const confirms: Promise<void>[] = [];
    for (const row of rows) {
      const { content, options } = encode('account', row);
      let accepted = true;
      confirms.push(
        new Promise((resolve, reject) => {
          accepted = channel.publish('', queue, content, options, (error) => (error ? reject(error) : resolve()));
        }),
      );
      if (!accepted) await new Promise((r) => channel.once('drain', r));
    }
    const confirmed = Promise.all(confirms);
    const position = rows[rows.length - 1].global_position;
    saved = durableCursor
      ? Promise.all([saved, confirmed]).then(() =>
          pool.query(`UPDATE "${schema}".bench_cursors SET position = $2 WHERE queue = $1`, [queue, position]),
        )
      : confirmed;
    inFlight.push(saved);
    if (inFlight.length >= 2) await inFlight.shift();
    events += rows.length;
  }
  await Promise.all(inFlight);
  return events;
}
