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

const SUBSCRIPTION_COLUMNS = `name, event_types AS "eventTypes", status,
  cursor_transaction_id::text AS "cursorTransactionId", cursor_position::text AS "cursorPosition",
  pending_control AS "pendingControl", backfill_rate_per_second AS "backfillRatePerSecond",
  backfill_until_position::text AS "backfillUntilPosition"`;

/** The producer-side rows of the relay: one subscription (cursor, filter, status) per consumer queue. */
export class SubscriptionStore {
  private readonly subscriptions: string;
  private readonly events: string;

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

  async get(name: string): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<Subscription>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM ${this.subscriptions} WHERE name = $1`, [
      name,
    ]);
    return rows[0];
  }

  /**
   * The next committed events after the cursor, in commit order. Only transactions below the
   * commit frontier are read, so an event whose transaction commits late is never overtaken by
   * the cursor.
   */
  async readBatch(subscription: Subscription, limit: number): Promise<OutboxRow[]> {
    // Named, so each connection plans this hot statement once rather than on every batch.
    const { rows } = await this.pool.query<OutboxRow>({
      name: `relay-read-batch:${this.schema}`,
      text: `SELECT e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.stream_id,
              e.stream_version, e.type, e.schema_version, e.data::text AS data, e.metadata::text AS metadata,
              e.metadata->>'correlationId' AS correlation_id, e.metadata->>'causationId' AS causation_id,
              to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              floor(extract(epoch FROM e.recorded_at))::float8 AS recorded_epoch_seconds,
              CASE WHEN $4::text[] IS NULL THEN e.stream_version - 1 ELSE (
                SELECT coalesce(max(p.stream_version), 0) FROM ${this.events} p
                 WHERE p.stream_id = e.stream_id AND p.stream_version < e.stream_version AND p.type = ANY($4)
              ) END AS previous_version
         FROM ${this.events} e
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
        LIMIT $3`,
      values: [subscription.cursorTransactionId, subscription.cursorPosition, limit, subscription.eventTypes],
    });
    return rows;
  }

  /**
   * Compare-and-set of the cursor from the subscription's cursor to `to`. Answers `paused` when it
   * moved but an operator has paused the subscription since, so the caller stops there.
   */
  async moveCursor(subscription: Subscription, to: CursorPosition): Promise<CursorMove> {
    const { rows } = await this.pool.query<{ status: Subscription['status'] }>({
      name: `relay-move-cursor:${this.schema}`,
      text: `UPDATE ${this.subscriptions}
          SET cursor_transaction_id = $2::xid8, cursor_position = $3, updated_at = now()
        WHERE name = $1 AND cursor_transaction_id = $4::xid8 AND cursor_position = $5 AND pending_control IS NULL
        RETURNING status`,
      values: [subscription.name, to.transactionId, to.position, subscription.cursorTransactionId, subscription.cursorPosition],
    });
    if (rows.length === 0) return 'moved-elsewhere';
    return rows[0].status === 'paused' ? 'paused' : 'moved';
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
