import { TickBatch } from '@app/async';
import { Pool } from 'pg';

export interface Subscription {
  name: string;
  eventTypes: string[] | null;
  status: 'active' | 'paused';
  cursorTransactionId: string;
  cursorPosition: string;
  pendingControl: string | null;
  /** The backfill's pace (events a second) while the cursor is below `backfillUntilPosition`; null: full speed. */
  backfillRatePerSecond: number | null;
  backfillUntilPosition: string | null;
}

export interface SubscriptionLag extends Subscription {
  lagEvents: number;
  lagSeconds: number;
  /** How many events the backfill had to deliver when an operator registered it (null for the routing table's). */
  backfillTotal: number | null;
  /** When an operator registered it at run time; null for a subscription of the routing table in code. */
  registeredAt: string | null;
}

/** A row ready to be published, as the relay reads it in commit order. */
export interface OutboxRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  previous_version: number;
  /** The event's place among its stream's events of its transaction that this read selects, and their number. */
  append_index: number;
  append_count: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  correlation_id: string | null;
  causation_id: string | null;
  /** `recorded_at` as ISO-8601 in UTC, formatted by the database (cheaper than parsing a Date per row). */
  occurred_at: string;
  /** `recorded_at` in whole seconds since the epoch (the AMQP timestamp). */
  recorded_epoch_seconds: number;
}

/** A point in commit order: the relay has delivered everything up to and including it. */
export interface CursorPosition {
  transactionId: string;
  position: string;
}

export type CursorMove = 'moved' | 'paused' | 'moved-elsewhere';

/**
 * The commit frontier as of the statement's snapshot, as an xid8 expression: every transaction
 * below it has ended, so events below it can be read in commit order and none can appear later.
 * It is the snapshot's xmin, except that transactions running in other databases are passed
 * over, because they can never write this table; a transaction whose database cannot be seen
 * (it just ended, or its backend is hidden from us) still counts, so this is never less safe.
 */
export const COMMIT_FRONTIER_SQL = `least(
  pg_snapshot_xmax(pg_current_snapshot()),
  (SELECT min(running) FROM pg_snapshot_xip(pg_current_snapshot()) AS running
    WHERE (running::text::numeric % 4294967296)::bigint NOT IN (
      SELECT backend_xid::text::bigint FROM pg_stat_activity
       WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())))`;

/**
 * The columns of an OutboxRow read from `events e`, `$4` being the subscription's event types (null:
 * every type): the previous version and the append's place count only the events sent to that queue.
 */
export const OUTBOX_COLUMNS = (events: string) => `e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.stream_id,
              e.stream_version, e.type, e.schema_version, e.data::text AS data, e.metadata::text AS metadata,
              e.metadata->>'correlationId' AS correlation_id, e.metadata->>'causationId' AS causation_id,
              to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              floor(extract(epoch FROM e.recorded_at))::float8 AS recorded_epoch_seconds,
              CASE WHEN $4::text[] IS NULL THEN e.stream_version - 1 ELSE (
                SELECT coalesce(max(p.stream_version), 0) FROM ${events} p
                 WHERE p.stream_id = e.stream_id AND p.stream_version < e.stream_version AND p.type = ANY($4)
              ) END AS previous_version,
              (SELECT count(*) FROM ${events} p
                WHERE p.transaction_id = e.transaction_id AND p.stream_id = e.stream_id
                  AND p.stream_version <= e.stream_version AND ($4::text[] IS NULL OR p.type = ANY($4)))::int AS append_index,
              (SELECT count(*) FROM ${events} p
                WHERE p.transaction_id = e.transaction_id AND p.stream_id = e.stream_id
                  AND ($4::text[] IS NULL OR p.type = ANY($4)))::int AS append_count`;

const SUBSCRIPTION_COLUMNS = `name, event_types AS "eventTypes", status,
  cursor_transaction_id::text AS "cursorTransactionId", cursor_position::text AS "cursorPosition",
  pending_control AS "pendingControl", backfill_rate_per_second AS "backfillRatePerSecond",
  backfill_until_position::text AS "backfillUntilPosition"`;

interface BatchRead {
  subscription: Subscription;
  limit: number;
}

interface CursorMoveRequest {
  subscription: Subscription;
  to: CursorPosition;
}

/**
 * The producer-side rows of the relay: one subscription (cursor, filter, status) per consumer queue.
 *
 * A NOTIFY wakes every destination of the producer at once, and destinations that keep up sit at
 * the same cursor. So the reads, batch reads and cursor moves asked for in one turn of the event
 * loop go to the database together (TickBatch): one statement per distinct read, not one per
 * destination. Each statement starts after every request it answers, so nothing is staler than
 * with one statement each, and every cursor move keeps its own compare-and-set.
 */
export class SubscriptionStore {
  private readonly subscriptions: string;
  private readonly events: string;
  private readonly gets = new TickBatch<string, Subscription | undefined>((names) => this.getMany(names));
  private readonly reads = new TickBatch<BatchRead, OutboxRow[]>((reads) => this.readShared(reads));
  private readonly moves = new TickBatch<CursorMoveRequest, CursorMove>((moves) => this.moveMany(moves));

  constructor(
    private readonly pool: Pool,
    readonly schema: string,
  ) {
    this.subscriptions = `"${schema}".subscriptions`;
    this.events = `"${schema}".events`;
  }

  /** Creates missing subscriptions (a new one starts from the beginning of history). */
  async ensure(routes: readonly { queue: string; eventTypes: readonly string[] | null }[]): Promise<void> {
    for (const route of routes) {
      await this.pool.query(
        `INSERT INTO ${this.subscriptions} (name, event_types) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET event_types = excluded.event_types`,
        [route.queue, route.eventTypes],
      );
    }
  }

  /** The names of every subscription, the routing table's and those registered at run time. */
  async names(): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(`SELECT name FROM ${this.subscriptions} ORDER BY name`);
    return rows.map((row) => row.name);
  }

  get(name: string): Promise<Subscription | undefined> {
    return this.gets.run(name);
  }

  private async getMany(names: string[]): Promise<(Subscription | undefined)[]> {
    const { rows } = await this.pool.query<Subscription>({
      name: `relay-get-subscriptions:${this.schema}`,
      text: `SELECT ${SUBSCRIPTION_COLUMNS} FROM ${this.subscriptions} WHERE name = ANY($1)`,
      values: [[...new Set(names)]],
    });
    const byName = new Map(rows.map((row) => [row.name, row]));
    return names.map((name) => byName.get(name));
  }

  /**
   * The next committed events after the cursor, in commit order. Only transactions below the
   * commit frontier are read, so an event whose transaction commits late is never overtaken by
   * the cursor.
   */
  readBatch(subscription: Subscription, limit: number): Promise<OutboxRow[]> {
    return this.reads.run({ subscription, limit });
  }

  /** One statement per distinct (cursor, limit, filter); destinations asking the same share its rows. */
  private async readShared(reads: BatchRead[]): Promise<OutboxRow[][]> {
    const keyOf = ({ subscription: s, limit }: BatchRead) => JSON.stringify([s.cursorTransactionId, s.cursorPosition, limit, s.eventTypes]);
    const distinct = new Map<string, Promise<OutboxRow[]>>();
    for (const read of reads) {
      const key = keyOf(read);
      if (!distinct.has(key)) distinct.set(key, this.readOnce(read.subscription, read.limit));
    }
    return Promise.all(reads.map((read) => distinct.get(keyOf(read))!));
  }

  /**
   * The batch first, then each event's place among its stream's events of its transaction: by
   * window over the batch, plus the events of that stream and transaction outside the batch, which
   * only the cursor's transaction (before the cursor) and the batch's last one (after its end) can
   * have, counted once per stream rather than once per row (a transaction of 10,000 events made
   * each row scan all of them). The event store inserts a stream's events of one append in version
   * order, so those before the cursor precede every event of the batch and those after it follow.
   */
  private async readOnce(subscription: Subscription, limit: number): Promise<OutboxRow[]> {
    // Named, so each connection plans this hot statement once rather than on every batch.
    const { rows } = await this.pool.query<OutboxRow>({
      name: `relay-read-batch:${this.schema}`,
      text: `WITH batch AS MATERIALIZED (
         SELECT e.* FROM ${this.events} e
          WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
            AND e.transaction_id < (SELECT CASE
                  -- A whole batch below the snapshot's xmin needs no finer frontier (and no look at
                  -- other sessions): the common case while catching up.
                  WHEN (SELECT p.transaction_id FROM ${this.events} p
                         WHERE (p.transaction_id, p.global_position) > ($1::xid8, $2::bigint)
                         ORDER BY p.transaction_id, p.global_position OFFSET $3 - 1 LIMIT 1)
                       < pg_snapshot_xmin(pg_current_snapshot())
                  THEN pg_snapshot_xmin(pg_current_snapshot())
                  ELSE ${COMMIT_FRONTIER_SQL} END)
            AND ($4::text[] IS NULL OR e.type = ANY($4))
          ORDER BY e.transaction_id, e.global_position
          LIMIT $3),
       last AS (SELECT transaction_id, global_position FROM batch ORDER BY transaction_id DESC, global_position DESC LIMIT 1),
       -- Scanned once: a join would scan both ranges again for every stream of the batch.
       around AS MATERIALIZED (
         SELECT p.transaction_id, p.stream_id, p.global_position FROM ${this.events} p
          WHERE ((p.transaction_id = $1::xid8 AND p.global_position <= $2::bigint)
                 OR (p.transaction_id = (SELECT transaction_id FROM last) AND p.global_position > (SELECT global_position FROM last)))
            AND ($4::text[] IS NULL OR p.type = ANY($4))),
       outside AS (
         SELECT p.transaction_id, p.stream_id,
                count(*) FILTER (WHERE p.transaction_id = $1::xid8 AND p.global_position <= $2::bigint) AS before,
                count(*) FILTER (WHERE p.global_position > (SELECT global_position FROM last)) AS after
           FROM around p
          WHERE (p.transaction_id, p.stream_id) IN (SELECT transaction_id, stream_id FROM batch)
          GROUP BY p.transaction_id, p.stream_id)
       SELECT e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.stream_id,
              e.stream_version, e.type, e.schema_version, e.data::text AS data, e.metadata::text AS metadata,
              e.metadata->>'correlationId' AS correlation_id, e.metadata->>'causationId' AS causation_id,
              to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              floor(extract(epoch FROM e.recorded_at))::float8 AS recorded_epoch_seconds,
              CASE WHEN $4::text[] IS NULL THEN e.stream_version - 1 ELSE (
                SELECT coalesce(max(p.stream_version), 0) FROM ${this.events} p
                 WHERE p.stream_id = e.stream_id AND p.stream_version < e.stream_version AND p.type = ANY($4)
              ) END AS previous_version,
              (coalesce(o.before, 0) + row_number() OVER (PARTITION BY e.transaction_id, e.stream_id ORDER BY e.stream_version))::int AS append_index,
              (coalesce(o.before, 0) + count(*) OVER (PARTITION BY e.transaction_id, e.stream_id) + coalesce(o.after, 0))::int AS append_count
         FROM batch e LEFT JOIN outside o ON o.transaction_id = e.transaction_id AND o.stream_id = e.stream_id
        ORDER BY e.transaction_id, e.global_position`,
      values: [subscription.cursorTransactionId, subscription.cursorPosition, limit, subscription.eventTypes],
    });
    return rows;
  }

  /**
   * Compare-and-set of the cursor from the subscription's cursor to `to`. Answers `paused` when it
   * moved but an operator has paused the subscription since, so the caller stops there.
   */
  moveCursor(subscription: Subscription, to: CursorPosition): Promise<CursorMove> {
    return this.moves.run({ subscription, to });
  }

  /** Every move of the batch in one statement, each still conditional on its own expected cursor. */
  private async moveMany(moves: CursorMoveRequest[]): Promise<CursorMove[]> {
    // One move per subscription per statement: a second would join the same row twice.
    const names = new Set(moves.map((move) => move.subscription.name));
    if (names.size < moves.length) return Promise.all(moves.map((move) => this.moveMany([move]).then(([result]) => result)));
    const { rows } = await this.pool.query<{ name: string; status: Subscription['status'] }>({
      name: `relay-move-cursors:${this.schema}`,
      text: `UPDATE ${this.subscriptions} s
          SET cursor_transaction_id = m.to_transaction_id::xid8, cursor_position = m.to_position, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[])
              AS m(name, to_transaction_id, to_position, from_transaction_id, from_position)
        WHERE s.name = m.name AND s.cursor_transaction_id = m.from_transaction_id::xid8
          AND s.cursor_position = m.from_position AND s.pending_control IS NULL
        RETURNING s.name, s.status`,
      values: [
        moves.map((m) => m.subscription.name),
        moves.map((m) => m.to.transactionId),
        moves.map((m) => m.to.position),
        moves.map((m) => m.subscription.cursorTransactionId),
        moves.map((m) => m.subscription.cursorPosition),
      ],
    });
    const statusOf = new Map(rows.map((row) => [row.name, row.status]));
    return moves.map(({ subscription }) => {
      const status = statusOf.get(subscription.name);
      if (status === undefined) return 'moved-elsewhere';
      return status === 'paused' ? 'paused' : 'moved';
    });
  }

  /** Clears a control message once the broker has confirmed it. */
  async clearControl(subscription: Subscription): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.subscriptions} SET pending_control = NULL, updated_at = now()
        WHERE name = $1 AND pending_control = $2`,
      [subscription.name, subscription.pendingControl],
    );
  }
}
