import type { DataService } from '@app/provisioning';
import { Client } from 'pg';

/** What one consumer queue has applied of its producer's events, read from each service's own database. */
export interface ConsumerProgress {
  queue: string;
  /** Events the subscription selects. */
  expected: number;
  /** Of those, events in the consumer's inbox and not waiting behind a gap; the inbox's primary key makes a second application impossible. */
  applied: number;
  /** Events held in the consumer's `waiting_events` (taken, not applied yet). */
  waiting: number;
  /** An event the cursor passed but the consumer never applied. */
  missing: number;
  /** Streams whose checkpoint at the consumer is not the stream's last selected version. */
  streamsBehind: number;
}

async function rows<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Per consumer queue of `producer`: its selected events against the consumer's inbox and stream
 * checkpoints. Each service has a database of its own, so the comparison happens here, not in SQL.
 */
export async function consumerProgress(
  platform: { databaseUrl(service: DataService): string },
  producer: DataService,
): Promise<ConsumerProgress[]> {
  const databaseUrl = (service: string) => platform.databaseUrl(service as DataService);
  const producerUrl = databaseUrl(producer);
  const subscriptions = await rows<{ name: string; event_types: string[] | null }>(
    producerUrl,
    `SELECT name, event_types FROM "${producer}".subscriptions`,
  );
  const events = await rows<{ event_id: string; stream_id: string; stream_version: number; type: string }>(
    producerUrl,
    `SELECT event_id::text, stream_id, stream_version, type FROM "${producer}".events`,
  );
  const progress: ConsumerProgress[] = [];
  for (const { name, event_types } of subscriptions) {
    const consumer = name.split('.')[0];
    const selected = events.filter((event) => event_types === null || event_types.includes(event.type));
    const inbox = new Set(
      (
        await rows<{ message_id: string }>(databaseUrl(consumer), `SELECT message_id FROM "${consumer}".inbox WHERE queue = $1`, [name])
      ).map((row) => row.message_id),
    );
    const checkpoints = new Map(
      (
        await rows<{ stream_id: string; version: number }>(
          databaseUrl(consumer),
          `SELECT stream_id, version FROM "${consumer}".stream_checkpoints WHERE queue = $1`,
          [name],
        )
      ).map((row) => [row.stream_id, Number(row.version)]),
    );
    // A waiting event has its inbox row already (so a duplicate of it is dropped) but is not applied yet.
    const waiting = new Set(
      (
        await rows<{ message_id: string }>(databaseUrl(consumer), `SELECT message_id FROM "${consumer}".waiting_events WHERE queue = $1`, [
          name,
        ])
      ).map((row) => row.message_id),
    );
    for (const id of waiting) inbox.delete(id);
    const lastVersions = new Map<string, number>();
    for (const event of selected)
      lastVersions.set(event.stream_id, Math.max(lastVersions.get(event.stream_id) ?? 0, Number(event.stream_version)));
    const applied = selected.filter((event) => inbox.has(event.event_id)).length;
    const streamsBehind = [...lastVersions].filter(([stream, version]) => checkpoints.get(stream) !== version).length;
    progress.push({
      queue: name,
      expected: selected.length,
      applied,
      waiting: waiting.size,
      missing: selected.length - applied,
      streamsBehind,
    });
  }
  return progress;
}
