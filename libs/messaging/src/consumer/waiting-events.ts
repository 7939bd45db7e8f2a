import type { ConsumeMessage, MessageProperties } from 'amqplib';
import { DataSource, EntityManager } from 'typeorm';
import { WaitingPlace } from './waiting-events.rules';

/** An event held in `waiting_events`, as stored: enough to apply it later as if it had just arrived. */
export interface WaitingEvent extends WaitingPlace {
  streamId: string;
  messageId: string;
  body: Buffer;
  properties: MessageProperties;
  receivedAt: Date;
}

/** An event to hold: its place and the message it came in. */
export interface EventToHold extends WaitingPlace {
  streamId: string;
  messageId: string;
  message: ConsumeMessage;
}

/** What waits at a queue, for the metrics. */
export interface WaitingOverview {
  events: number;
  oldestSeconds: number;
}

/** A stream whose gap has outlived the timeout, claimed for one report. */
export interface TimedOutGap {
  streamId: string;
  appliedVersion: number;
  waiting: WaitingEvent[];
}

const COLUMNS = `stream_id AS "streamId", stream_version AS "streamVersion", message_id AS "messageId",
  previous_version AS "previousVersion", ends_append AS "endsAppend", body, properties, received_at AS "receivedAt"`;

/**
 * A consumer's `waiting_events` (the resequencing buffer): the rows live in PostgreSQL, not the
 * heap, so a long gap costs memory nothing. Written in the consumer's transactions; the gap
 * sweep reads it on its own.
 */
export class WaitingEvents {
  private readonly table: string;
  private readonly checkpoints: string;
  private readonly parked: string;

  constructor(schema: string) {
    this.table = `"${schema}".waiting_events`;
    this.checkpoints = `"${schema}".stream_checkpoints`;
    this.parked = `"${schema}".parked_streams`;
  }

  async hold(manager: EntityManager, queue: string, events: readonly EventToHold[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (queue, stream_id, stream_version, message_id, previous_version, ends_append, body, properties)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::boolean[], $7::bytea[], $8::jsonb[])
       ON CONFLICT DO NOTHING`,
      [
        queue,
        events.map((e) => e.streamId),
        events.map((e) => e.streamVersion),
        events.map((e) => e.messageId),
        events.map((e) => e.previousVersion),
        events.map((e) => e.endsAppend),
        events.map((e) => e.message.content),
        events.map((e) => JSON.stringify(e.message.properties)),
      ],
    );
  }

  /** The streams' waiting events in version order, at most `limit` in all (locked: this transaction applies them). */
  async load(manager: EntityManager, queue: string, streamIds: readonly string[], limit: number): Promise<WaitingEvent[]> {
    if (streamIds.length === 0) return [];
    const rows: WaitingEvent[] = await manager.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE queue = $1 AND stream_id = ANY($2)
        ORDER BY stream_id, stream_version LIMIT $3 FOR UPDATE`,
      [queue, streamIds, limit],
    );
    return rows;
  }

  /** A stream's applied version, locked until the transaction ends. */
  async appliedVersion(manager: EntityManager, queue: string, streamId: string): Promise<number> {
    const rows: { version: number }[] = await manager.query(
      `SELECT version FROM ${this.checkpoints} WHERE queue = $1 AND stream_id = $2 FOR UPDATE`,
      [queue, streamId],
    );
    return rows[0]?.version ?? 0;
  }

  /** Removes waiting events (applied, dropped or sent elsewhere). */
  async remove(manager: EntityManager, queue: string, events: readonly { streamId: string; streamVersion: number }[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `DELETE FROM ${this.table} w USING unnest($2::text[], $3::int[]) AS d(stream_id, stream_version)
        WHERE w.queue = $1 AND w.stream_id = d.stream_id AND w.stream_version = d.stream_version`,
      [queue, events.map((e) => e.streamId), events.map((e) => e.streamVersion)],
    );
  }

  /** Moves the streams' checkpoints to the versions their drained runs reached. */
  async advance(manager: EntityManager, queue: string, reached: readonly { streamId: string; version: number }[]): Promise<void> {
    if (reached.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.checkpoints} (queue, stream_id, version)
       SELECT $1, * FROM unnest($2::text[], $3::int[])
       ON CONFLICT (queue, stream_id) DO UPDATE SET version = greatest(${this.checkpoints}.version, excluded.version)`,
      [queue, reached.map((r) => r.streamId), reached.map((r) => r.version)],
    );
  }

  /** Streams whose first waiting event's predecessor is applied: their run may be applied now. */
  async readyStreams(dataSource: DataSource, queue: string, limit = 100): Promise<string[]> {
    const rows: { streamId: string }[] = await dataSource.query(
      `SELECT DISTINCT ON (w.stream_id) w.stream_id AS "streamId"
         FROM ${this.table} w LEFT JOIN ${this.checkpoints} c ON c.queue = w.queue AND c.stream_id = w.stream_id
        WHERE w.queue = $1
          AND w.stream_version = (SELECT min(m.stream_version) FROM ${this.table} m WHERE m.queue = $1 AND m.stream_id = w.stream_id)
          AND w.previous_version <= coalesce(c.version, 0)
          AND w.received_at < now() - interval '1 second'
        LIMIT $2`,
      [queue, limit],
    );
    return rows.map((row) => row.streamId);
  }

  async overview(dataSource: DataSource, queue: string): Promise<WaitingOverview> {
    const [row]: { events: number; oldestSeconds: number }[] = await dataSource.query(
      `SELECT count(*)::int AS events, coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS "oldestSeconds"
         FROM ${this.table} WHERE queue = $1`,
      [queue],
    );
    return row;
  }

  /**
   * Claims, for one report each, the streams whose oldest waiting event has waited `timeoutMs` while
   * their first one is not reported yet and no park holds them (the park is reported already).
   */
  claimTimedOut(dataSource: DataSource, queue: string, timeoutMs: number, limit = 100): Promise<TimedOutGap[]> {
    return dataSource.transaction(async (manager) => {
      const streams: { streamId: string; appliedVersion: number }[] = await manager.query(
        `WITH timed_out AS (
           SELECT w.stream_id FROM ${this.table} w
            WHERE w.queue = $1
              AND NOT EXISTS (SELECT 1 FROM ${this.parked} p
                               LEFT JOIN ${this.checkpoints} c ON c.queue = p.queue AND c.stream_id = p.stream_id
                               WHERE p.queue = $1 AND p.stream_id = w.stream_id AND p.blocker_version > coalesce(c.version, 0))
            GROUP BY w.stream_id
           HAVING min(w.received_at) <= now() - make_interval(secs => $2::float8 / 1000)
              AND (array_agg(w.gap_reported_at ORDER BY w.stream_version))[1] IS NULL
            LIMIT $3
         ), claimed AS (
           UPDATE ${this.table} w SET gap_reported_at = now()
             FROM timed_out t
            WHERE w.queue = $1 AND w.stream_id = t.stream_id
              AND w.stream_version = (SELECT min(stream_version) FROM ${this.table} m WHERE m.queue = $1 AND m.stream_id = t.stream_id)
           RETURNING w.stream_id
         )
         SELECT c.stream_id AS "streamId", coalesce(k.version, 0) AS "appliedVersion"
           FROM claimed c LEFT JOIN ${this.checkpoints} k ON k.queue = $1 AND k.stream_id = c.stream_id`,
        [queue, timeoutMs, limit],
      );
      const gaps: TimedOutGap[] = [];
      for (const { streamId, appliedVersion } of streams) {
        const waiting: WaitingEvent[] = await manager.query(
          `SELECT ${COLUMNS} FROM ${this.table} WHERE queue = $1 AND stream_id = $2 ORDER BY stream_version LIMIT 1000`,
          [queue, streamId],
        );
        gaps.push({ streamId, appliedVersion: Number(appliedVersion), waiting });
      }
      return gaps;
    });
  }

  /** Takes a claim back: its report could not be sent. */
  async unclaim(dataSource: DataSource, queue: string, streamId: string): Promise<void> {
    await dataSource.query(`UPDATE ${this.table} SET gap_reported_at = NULL WHERE queue = $1 AND stream_id = $2`, [queue, streamId]);
  }
}

/** A waiting event as the message it came in, for the handlers and the failure routes. */
export const asMessage = (event: WaitingEvent): ConsumeMessage => ({
  content: Buffer.from(event.body),
  fields: { deliveryTag: 0, redelivered: false, exchange: '', routingKey: '', consumerTag: '' } as ConsumeMessage['fields'],
  properties: event.properties,
});
