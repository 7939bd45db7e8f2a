import type { Channel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export interface LatencyResult {
  sent: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  achievedRate: number;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

/**
 * Commit-to-consumer latency at a steady rate: transactions of `eventsPerTransaction` events are
 * committed at `ratePerSecond` events/s from a pool of writers, a bare consumer on `queue` notes
 * when each event arrives. The clock starts when the writer learns its COMMIT succeeded.
 */
export async function measureLatency(options: {
  pool: Pool;
  schema: string;
  channel: Channel;
  queue: string;
  ratePerSecond: number;
  eventsPerTransaction: number;
  durationMs: number;
  warmUpMs: number;
}): Promise<LatencyResult> {
  const { pool, schema, channel, queue, ratePerSecond, eventsPerTransaction, durationMs, warmUpMs } = options;
  const committed = new Map<string, number>();
  const arrived = new Map<string, number>();
  await channel.prefetch(1_000);
  const { consumerTag } = await channel.consume(queue, (message) => {
    if (!message) return;
    arrived.set(String(message.properties.messageId), performance.now());
    channel.ack(message);
  });

  const note = 'n'.repeat(180);
  const append = async (streamId: string, fromVersion: number, measured: boolean) => {
    const ids = Array.from({ length: eventsPerTransaction }, () => randomUUID());
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata)
         SELECT id, $2, $3 + ord, 'LimitUpdated',
                jsonb_build_object('id', id, 'newLimit', $3 + ord, 'oldLimit', $3 + ord - 1, 'note', $4::text),
                '{"actor":"bench"}'
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
        [ids, streamId, fromVersion, note],
      );
      await client.query('COMMIT');
      const at = performance.now();
      if (measured) for (const id of ids) committed.set(id, at);
    } finally {
      client.release();
    }
  };

  // One stream per slot of a tick, so concurrent writers never collide on a version.
  const tickMs = 10;
  const transactionsPerTick = Math.max(1, Math.round((ratePerSecond * tickMs) / 1_000 / eventsPerTransaction));
  const started = performance.now();
  const writes: Promise<void>[] = [];
  let sent = 0;
  for (let tick = 0; performance.now() - started < durationMs; tick++) {
    const measured = performance.now() - started >= warmUpMs;
    for (let slot = 0; slot < transactionsPerTick; slot++) {
      writes.push(append(`latency-${slot}`, tick * eventsPerTransaction, measured));
    }
    sent += transactionsPerTick * eventsPerTransaction;
    const nextTick = started + (tick + 1) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, nextTick - performance.now())));
  }
  const elapsed = performance.now() - started;
  await Promise.all(writes);
  const deadline = performance.now() + 10_000;
  while (arrived.size < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await channel.cancel(consumerTag);

  const latencies = [...committed]
    .map(([eventId, at]) => (arrived.has(eventId) ? Math.max(0, arrived.get(eventId)! - at) : Infinity))
    .sort((a, b) => a - b);
  return {
    sent,
    received: arrived.size,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    achievedRate: sent / (elapsed / 1_000),
  };
}
