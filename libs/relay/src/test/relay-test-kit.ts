import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { eventsChannel } from '@app/eventstore';
import { AmqpConnection, QueueConsumer, declareConsumerQueue } from '@app/messaging';
import { freshEventStore, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

/** A fresh event store schema, a pg pool for raw writers, and a queue name the consumer side accepts. */
export interface RelayScene {
  schema: string;
  dataSource: DataSource;
  pool: Pool;
  queue: string;
  /** Drops the schema and deletes every queue named in `queues` (with its retry tiers and .dlq) unless they were already. */
  cleanUp(options?: { queuesDeleted?: boolean }): Promise<void>;
}

/** Sets up a scene; queues pushed onto `queues` are cleaned up too. */
export async function relayScene(writers = 16): Promise<RelayScene & { queues: string[] }> {
  const { schema, dataSource } = await freshEventStore();
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: writers });
  const queues = [`t${uniqueSuffix()}.account-events`];
  return {
    schema,
    dataSource,
    pool,
    queue: queues[0],
    queues,
    async cleanUp({ queuesDeleted = false } = {}) {
      if (!queuesDeleted) await deleteQueues(queues);
      await pool.end();
      await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** Deletes each queue with its retry and dead-letter queues (on the test broker, or the one of `amqpUrl`). */
export async function deleteQueues(queues: readonly string[], amqpUrl = testAmqpUrl()): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) {
      for (const name of [queue, ...retryQueuesOf(queue), deadLetterQueueOf(queue)]) await channel.deleteQueue(name);
    }
  } finally {
    await connection.close();
  }
}

/**
 * Appends `count` events to a stream in one transaction, optionally holding the transaction open
 * for `holdMs` after the rows (and so their positions) exist: that is how a late commit arises.
 */
export async function appendEvents(
  pool: Pool,
  schema: string,
  streamId: string,
  fromVersion: number,
  count: number,
  holdMs = 0,
): Promise<{ ids: string[]; lastPosition: number }> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ position: string }>(
      `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data)
       SELECT id, $2, $3 + ord, 'LimitUpdated', jsonb_build_object('id', '00000000-0000-4000-8000-00000000000a', 'newLimit', $3 + ord, 'oldLimit', 0, 'n', $3 + ord)
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)
       RETURNING global_position AS position`,
      [ids, streamId, fromVersion],
    );
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    await client.query('COMMIT');
    await client.query(`SELECT pg_notify($1, '')`, [eventsChannel(schema)]);
    return { ids, lastPosition: Math.max(...rows.map((row) => Number(row.position))) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** One delivery as it sat in the queue, in queue order. */
export interface Arrival {
  eventId: string;
  streamId: string;
  version: number;
  type: string;
  previousVersion: number;
  /** The event's place among its stream's events of one append sent to this queue, and their number. */
  append: { index: number; count: number };
  body: Record<string, unknown>;
}

/** Records the raw queue order (no inbox, no reordering), so specs can check what the relay itself sent. */
export async function recordArrivals(queue: string): Promise<{ arrivals: Arrival[]; stop(): Promise<void> }> {
  const connection = await amqp.connect(testAmqpUrl());
  const channel = await connection.createChannel();
  await declareConsumerQueue(channel, queue);
  await channel.prefetch(500);
  const arrivals: Arrival[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    const headers = message.properties.headers ?? {};
    arrivals.push({
      eventId: String(message.properties.messageId),
      streamId: String(headers['x-stream-id']),
      version: Number(headers['x-stream-version']),
      type: String(message.properties.type),
      previousVersion: Number(headers['x-previous-stream-version']),
      append: { index: Number(headers['x-append-index']), count: Number(headers['x-append-count']) },
      body: JSON.parse(message.content.toString()),
    });
    channel.ack(message);
  });
  return { arrivals, stop: () => connection.close() };
}

/** Groups arrivals by stream, keeping queue order within each stream. */
export function versionsByStream(arrivals: readonly Arrival[]): Map<string, number[]> {
  const byStream = new Map<string, number[]>();
  for (const arrival of arrivals) {
    const versions = byStream.get(arrival.streamId) ?? [];
    versions.push(arrival.version);
    byStream.set(arrival.streamId, versions);
  }
  return byStream;
}

/**
 * A consumer (inbox and all) whose effect is one row per handled event in `effects`, with no
 * unique key: a duplicate that slipped past the inbox would show as a second row.
 */
export async function startEffectsConsumer(
  scene: Pick<RelayScene, 'schema' | 'dataSource' | 'queue'>,
  connection: AmqpConnection,
): Promise<QueueConsumer> {
  const { schema, dataSource, queue } = scene;
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".effects (event_id uuid NOT NULL, stream_id text NOT NULL, version int NOT NULL)`,
  );
  const consumer = new QueueConsumer({
    queue,
    connection,
    dataSource,
    schema,
    dispatch: async (envelope, delivery) => {
      await delivery.manager.query(`INSERT INTO "${schema}".effects VALUES ($1, $2, $3)`, [
        envelope.eventId,
        envelope.streamId,
        envelope.streamVersion,
      ]);
      return 'handled';
    },
  });
  await consumer.start();
  return consumer;
}

/** How the effects compare with the event table: every event once, and nothing else. */
export async function effectsReport(dataSource: DataSource, schema: string) {
  const [row] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM "${schema}".events) AS events,
            (SELECT count(*)::int FROM "${schema}".effects) AS effects,
            (SELECT count(DISTINCT event_id)::int FROM "${schema}".effects) AS distinct_effects,
            (SELECT count(*)::int FROM "${schema}".events e
              WHERE NOT EXISTS (SELECT 1 FROM "${schema}".effects f WHERE f.event_id = e.event_id)) AS missing`,
  );
  return row as { events: number; effects: number; distinct_effects: number; missing: number };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
