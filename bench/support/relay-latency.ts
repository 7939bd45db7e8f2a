import { CommitSignal } from '@app/eventstore';
import type { Channel, ConfirmChannel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'pg';

export interface LatencyResult {
  sent: number;
  received: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  achievedRate: number;
  /** How long the writers' COMMITs took (the database's share of the tail). */
  commitP99Ms?: number;
  /** From the moment every older transaction of the writers had ended, i.e. the relay's own share. */
  afterReadableP50Ms?: number;
  afterReadableP99Ms?: number;
  /** How late this process's own timers ran (the measuring process's share of the tail). */
  eventLoopDelayP99Ms?: number;
  /** Every measured event's own times (wall-clock ms), for the stage breakdown (relay-breakdown.ts). */
  events?: EventTimes[];
}

/** One event's times on the bench's side, in wall-clock milliseconds (comparable with the relay process's). */
export interface EventTimes {
  transactionId: string;
  position: string;
  committedAt: number;
  /** When every older transaction of the writers had ended (the commit frontier had passed it). */
  readableAt: number;
  /** Infinity: it never arrived. */
  deliveredAt: number;
  appliedAt: number;
  ackedAt: number;
}

const wallClock = (at: number): number => performance.timeOrigin + at;

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
  // Per transaction: its id and when it committed, to tell frontier waits from the relay's own time.
  const transactions: { xid: number; at: number; ids: string[] }[] = [];
  const positions = new Map<string, { transactionId: string; position: string }>();
  const arrived = new Map<string, number>();
  // The consumer's own stages: parsing the body stands for applying it; then the ack is handed to the socket.
  const consumed = new Map<string, { appliedAt: number; ackedAt: number }>();
  await channel.prefetch(1_000);
  const { consumerTag } = await channel.consume(queue, (message) => {
    if (!message) return;
    const id = String(message.properties.messageId);
    arrived.set(id, performance.now());
    JSON.parse(message.content.toString());
    const appliedAt = performance.now();
    channel.ack(message);
    consumed.set(id, { appliedAt, ackedAt: performance.now() });
  });

  const note = 'n'.repeat(180);
  // The writers wake the relay as the services' appenders do: after commit, coalesced.
  const signal = new CommitSignal(pool, schema);
  const commitDurations: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const append = async (streamId: string, fromVersion: number, measured: boolean) => {
    const ids = Array.from({ length: eventsPerTransaction }, () => randomUUID());
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ xid: string }>(
        `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata)
         SELECT id, $2, $3 + ord, 'LimitUpdated',
                jsonb_build_object('id', id, 'newLimit', $3 + ord, 'oldLimit', $3 + ord - 1, 'note', $4::text),
                '{"actor":"bench"}'
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)
         RETURNING transaction_id::text AS xid, event_id::text AS id, global_position::text AS position`,
        [ids, streamId, fromVersion, note],
      );
      for (const row of rows as unknown as { xid: string; id: string; position: string }[])
        positions.set(row.id, { transactionId: row.xid, position: row.position });
      const commitSent = performance.now();
      await client.query('COMMIT');
      const at = performance.now();
      signal.committed();
      commitDurations.push(at - commitSent);
      if (measured) for (const id of ids) committed.set(id, at);
      transactions.push({ xid: Number(rows[0].xid), at, ids });
    } finally {
      client.release();
    }
  };

  // A stream per transaction, so concurrent writers never collide on a version. Each tick sends
  // every transaction due by then, so a late timer on a loaded machine does not lower the rate.
  const run = randomUUID().slice(0, 8);
  const tickMs = 10;
  const started = performance.now();
  const writes: Promise<void>[] = [];
  let sent = 0;
  for (let issued = 0; performance.now() - started < durationMs;) {
    const elapsed = performance.now() - started;
    const measured = elapsed >= warmUpMs;
    const due = Math.floor((elapsed * ratePerSecond) / 1_000 / eventsPerTransaction) + 1;
    for (; issued < due; issued++) writes.push(append(`latency-${run}-${issued}`, 0, measured));
    sent = issued * eventsPerTransaction;
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const elapsed = performance.now() - started;
  await Promise.all(writes);
  const deadline = performance.now() + 10_000;
  while (arrived.size < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await channel.cancel(consumerTag);

  loopDelay.disable();
  commitDurations.sort((a, b) => a - b);
  // An event is readable once every older transaction has ended (the commit frontier has passed it).
  const readableAt = new Map<string, number>();
  let frontier = 0;
  for (const transaction of transactions.sort((a, b) => a.xid - b.xid)) {
    frontier = Math.max(frontier, transaction.at);
    for (const id of transaction.ids) readableAt.set(id, frontier);
  }
  const afterReadable = [...committed.keys()]
    .map((id) => (arrived.has(id) ? Math.max(0, arrived.get(id)! - readableAt.get(id)!) : Infinity))
    .sort((a, b) => a - b);
  const latencies = [...committed]
    .map(([eventId, at]) => (arrived.has(eventId) ? Math.max(0, arrived.get(eventId)! - at) : Infinity))
    .sort((a, b) => a - b);
  return {
    sent,
    received: arrived.size,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    achievedRate: sent / (elapsed / 1_000),
    commitP99Ms: percentile(commitDurations, 99),
    afterReadableP50Ms: percentile(afterReadable, 50),
    afterReadableP99Ms: percentile(afterReadable, 99),
    eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    events: [...committed].map(([id, at]) => ({
      ...positions.get(id)!,
      committedAt: wallClock(at),
      readableAt: wallClock(readableAt.get(id)!),
      deliveredAt: arrived.has(id) ? wallClock(arrived.get(id)!) : Infinity,
      appliedAt: wallClock(consumed.get(id)?.appliedAt ?? Infinity),
      ackedAt: wallClock(consumed.get(id)?.ackedAt ?? Infinity),
    })),
  };
}

/**
 * The broker's own floor for the same flow: bare confirmed publishes of `perPublish` messages at
 * `ratePerSecond` into a quorum queue, timed from the publish to the bare consumer. No database.
 */
export async function measureBrokerFloor(options: {
  publisher: ConfirmChannel;
  consumer: Channel;
  queue: string;
  ratePerSecond: number;
  perPublish: number;
  durationMs: number;
}): Promise<LatencyResult> {
  const { publisher, consumer, queue, ratePerSecond, perPublish, durationMs } = options;
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  await consumer.prefetch(1_000);
  const { consumerTag } = await consumer.consume(queue, (message) => {
    if (!message) return;
    const at = publishedAt.get(String(message.properties.messageId));
    if (at !== undefined) latencies.push(performance.now() - at);
    consumer.ack(message);
  });
  const body = Buffer.alloc(500, 'x');
  // Every tick publishes what is due by then, in groups of `perPublish`, as the writers commit them.
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < durationMs) {
    const due = (Math.floor(((performance.now() - started) * ratePerSecond) / 1_000 / perPublish) + 1) * perPublish;
    for (; sent < due; sent++) {
      const messageId = randomUUID();
      publishedAt.set(messageId, performance.now());
      publisher.publish('', queue, body, { messageId, persistent: true, mandatory: true });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = performance.now() - started;
  await publisher.waitForConfirms();
  const deadline = performance.now() + 5_000;
  while (latencies.length < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.cancel(consumerTag);
  latencies.sort((a, b) => a - b);
  return {
    sent,
    received: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    achievedRate: sent / (elapsed / 1_000),
  };
}
