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
 * Commit-to-consumer latency at a steady rate: single-event transactions are committed at
 * `ratePerSecond` from a pool of writers, a bare consumer on `queue` notes when each arrives.
 * The clock starts just before COMMIT is sent, so the figure includes the commit itself.
 */
export async function measureLatency(options: {
  pool: Pool;
  schema: string;
  channel: Channel;
  queue: string;
  ratePerSecond: number;
  durationMs: number;
  warmUpMs: number;
}): Promise<LatencyResult> {
  const { pool, schema, channel, queue, ratePerSecond, durationMs, warmUpMs } = options;
  const committing = new Map<string, number>();
  const arrived = new Map<string, number>();
  await channel.prefetch(1_000);
  const { consumerTag } = await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      arrived.set(String(message.properties.messageId), performance.now());
      channel.ack(message);
    },
  );

  const append = async (streamId: string, version: number, measured: boolean) => {
    const eventId = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata)
         VALUES ($1, $2, $3, 'LimitUpdated', $4, '{"actor":"bench"}')`,
        [eventId, streamId, version, JSON.stringify({ id: eventId, newLimit: version, oldLimit: version - 1, note: 'n'.repeat(180) })],
      );
      if (measured) committing.set(eventId, performance.now());
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  // One stream per tick slot, so concurrent writers never collide on a version.
  const tickMs = 10;
  const perTick = Math.round((ratePerSecond * tickMs) / 1_000);
  const started = performance.now();
  const writes: Promise<void>[] = [];
  let sent = 0;
  for (let tick = 0; performance.now() - started < durationMs; tick++) {
    const measured = performance.now() - started >= warmUpMs;
    for (let slot = 0; slot < perTick; slot++) writes.push(append(`latency-${slot}`, tick + 1, measured));
    sent += perTick;
    const nextTick = started + (tick + 1) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, nextTick - performance.now())));
  }
  await Promise.all(writes);
  const elapsed = performance.now() - started;
  const deadline = performance.now() + 10_000;
  while (arrived.size < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await channel.cancel(consumerTag);

  const latencies = [...committing]
    .map(([eventId, at]) => (arrived.has(eventId) ? arrived.get(eventId)! - at : Infinity))
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
