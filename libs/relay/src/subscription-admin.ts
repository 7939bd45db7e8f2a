import { DomainError } from '@app/domain';
import { SubscriptionRegistration } from '@app/messaging';
import { Pool } from 'pg';
import { COMMIT_FRONTIER_SQL, OUTBOX_COLUMNS, OutboxRow, SubscriptionLag } from './subscription-store';
import { RebaseOutcome, rebaseTransactionIds } from './transaction-id-rebase';

/**
 * The cursor that re-delivers every event after the global position `$2`. Commit order is
 * (transaction_id, global_position): resume from the oldest transaction that wrote anything after
 * it, or from the oldest one still running if that is older (it may yet commit positions after
 * it), so nothing is skipped; a few earlier ones may repeat.
 */
const CURSOR_AFTER_POSITION_SQL = (events: string) => `least(
  (SELECT min(transaction_id) FROM ${events} WHERE global_position > $2),
  pg_snapshot_xmin(pg_current_snapshot()))`;

/** Operator actions on a producer's subscriptions: lag, pause, resume, rewind, re-base after a restore. */
export class SubscriptionAdmin {
  private readonly subscriptions: string;
  private readonly events: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly onChange: () => void = () => undefined,
    /** The routing table's subscriptions: the default set, which no operator may remove. */
    private readonly defaultNames: readonly string[] = [],
  ) {
    this.subscriptions = `"${schema}".subscriptions`;
    this.events = `"${schema}".events`;
  }

  /**
   * Every subscription with its lag in events and in seconds (age of the oldest undelivered event).
   * After a restore (stored ids ahead of the server's, the relay refusing) an event appended since
   * carries an id below the restored cursors, so it counts by its position past the last restored
   * event, as the re-base sees it: a refusing relay's new events show as lag, not as nothing.
   */
  async list(): Promise<SubscriptionLag[]> {
    const { rows } = await this.pool.query<SubscriptionLag>(
      `WITH restored AS (
         SELECT max(global_position) AS up_to FROM ${this.events}
          WHERE transaction_id >= pg_snapshot_xmax(pg_current_snapshot()))
       SELECT s.name, s.event_types AS "eventTypes", s.status,
              s.cursor_transaction_id::text AS "cursorTransactionId", s.cursor_position::text AS "cursorPosition",
              s.pending_control AS "pendingControl",
              s.backfill_rate_per_second AS "backfillRatePerSecond",
              s.backfill_until_position::text AS "backfillUntilPosition", s.backfill_total::int AS "backfillTotal",
              s.registered_at AS "registeredAt",
              lag.events::int AS "lagEvents",
              coalesce(extract(epoch FROM now() - lag.oldest), 0)::float8 AS "lagSeconds"
         FROM ${this.subscriptions} s
         CROSS JOIN LATERAL (
           SELECT count(*) AS events, min(e.recorded_at) AS oldest FROM ${this.events} e
            WHERE ((e.transaction_id, e.global_position) > (s.cursor_transaction_id, s.cursor_position)
                   OR e.global_position > (SELECT up_to FROM restored))
              AND (s.event_types IS NULL OR e.type = ANY(s.event_types))
         ) lag
        ORDER BY s.name`,
    );
    return rows;
  }

  async pause(name: string): Promise<void> {
    await this.setStatus(name, 'paused');
  }

  async resume(name: string): Promise<void> {
    await this.setStatus(name, 'active');
  }

  /**
   * Re-delivers every event after `toPosition` into this one subscription's queue. Rewinding to 0
   * first sends a rebuild marker, so the consumer drops its read models and rebuilds them.
   */
  async rewind(name: string, toPosition: number): Promise<void> {
    if (!Number.isSafeInteger(toPosition) || toPosition < 0) {
      throw new DomainError('validation', 'INVALID_POSITION', 'toPosition must be a non-negative integer');
    }
    const rowCount = await this.durably(
      `UPDATE ${this.subscriptions} s
          SET cursor_transaction_id = ${CURSOR_AFTER_POSITION_SQL(this.events)},
              cursor_position = 0,
              pending_control = CASE WHEN $2 = 0 THEN '$rebuild' ELSE NULL END,
              updated_at = now()
        WHERE name = $1`,
      [name, toPosition],
    );
    this.assertFound(name, rowCount);
    this.onChange();
  }

  /**
   * One stream's events from `fromVersion` on that subscription `name` receives, in version order,
   * a page of at most `limit` after `afterVersion`: what a per-stream rewind re-delivers. One the
   * relay has not reached yet may go out early too: the consumer holds it until its turn.
   */
  async streamEvents(name: string, streamId: string, fromVersion: number, afterVersion: number, limit: number): Promise<OutboxRow[]> {
    if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) {
      throw new DomainError('validation', 'INVALID_VERSION', 'fromVersion must be a whole number of at least 1');
    }
    const found = await this.pool.query<{ eventTypes: string[] | null }>(
      `SELECT event_types AS "eventTypes" FROM ${this.subscriptions} WHERE name = $1`,
      [name],
    );
    this.assertFound(name, found.rowCount);
    const { rows } = await this.pool.query<OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS(this.events)}
         FROM ${this.events} e
        WHERE e.stream_id = $1 AND e.stream_version >= $2 AND e.stream_version > $5
          AND ($4::text[] IS NULL OR e.type = ANY($4))
        ORDER BY e.stream_version
        LIMIT $3`,
      [streamId, fromVersion, limit, found.rows[0].eventTypes, afterVersion],
    );
    return rows;
  }

  /**
   * Adds a subscription with its own cursor: from a position (0: all history) or from the head
   * (`now`: every transaction still running or yet to come). The relay picks it up without a restart.
   */
  async register(registration: SubscriptionRegistration): Promise<SubscriptionLag> {
    const rate = registration.backfillRatePerSecond ?? null;
    if (rate !== null && (!Number.isSafeInteger(rate) || rate < 1)) {
      throw new DomainError('validation', 'INVALID_RATE', 'backfillRatePerSecond must be a whole number of at least 1');
    }
    const position = registration.from.kind === 'now' ? null : registration.from.position;
    if (position !== null && (!Number.isSafeInteger(position) || position < 0)) {
      throw new DomainError('validation', 'INVALID_POSITION', 'the start position must be a non-negative integer or "now"');
    }
    const eventTypes = registration.eventTypes ? [...registration.eventTypes] : null;
    // `now` starts at the commit frontier: every transaction below it has ended and is skipped. Not
    // the snapshot's xmin, which a long transaction in any other database holds back.
    const cursor = position === null ? COMMIT_FRONTIER_SQL : CURSOR_AFTER_POSITION_SQL(this.events);
    const rowCount = await this.durably(
      `INSERT INTO ${this.subscriptions}
              (name, event_types, cursor_transaction_id, cursor_position, backfill_rate_per_second,
               backfill_until_position, backfill_total, registered_at)
       SELECT $1, $3::text[], ${cursor}, 0, $4::int, head.position, backlog.events, now()
         FROM (SELECT coalesce(max(global_position), 0) AS position FROM ${this.events}) head,
              (SELECT count(*) AS events FROM ${this.events}
                WHERE NOT $5::boolean AND global_position > $2::bigint
                  AND ($3::text[] IS NULL OR type = ANY($3::text[]))) backlog
       ON CONFLICT (name) DO NOTHING`,
      [registration.name, position ?? 0, eventTypes, rate, position === null],
    );
    if (rowCount !== 1) {
      throw new DomainError('conflict', 'SUBSCRIPTION_EXISTS', `A subscription named "${registration.name}" exists already`);
    }
    this.onChange();
    return (await this.list()).find((subscription) => subscription.name === registration.name)!;
  }

  /** Deletes a subscription an operator registered; the routing table's default set stays. */
  async remove(name: string): Promise<void> {
    if (this.defaultNames.includes(name)) {
      throw new DomainError(
        'conflict',
        'DEFAULT_SUBSCRIPTION',
        `"${name}" is in the routing table in code; it cannot be removed at run time`,
      );
    }
    const rowCount = await this.durably(`DELETE FROM ${this.subscriptions} WHERE name = $1`, [name]);
    this.assertFound(name, rowCount);
    this.onChange();
  }

  /** After a restore or migration: renumbers stored transaction ids and cursors (see rebaseTransactionIds). */
  async rebase(): Promise<RebaseOutcome> {
    const outcome = await rebaseTransactionIds(this.pool, this.schema);
    this.onChange();
    return outcome;
  }

  private async setStatus(name: string, status: 'active' | 'paused'): Promise<void> {
    const rowCount = await this.durably(`UPDATE ${this.subscriptions} SET status = $2, updated_at = now() WHERE name = $1`, [name, status]);
    this.assertFound(name, rowCount);
    this.onChange();
  }

  /** Runs an operator's change with a synchronous commit, whatever the pool's sessions default to. */
  private async durably(sql: string, params: unknown[]): Promise<number | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = on');
      const { rowCount } = await client.query(sql, params);
      await client.query('COMMIT');
      return rowCount;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private assertFound(name: string, rowCount: number | null): void {
    if (rowCount !== 1) throw new DomainError('not-found', 'SUBSCRIPTION_NOT_FOUND', `No subscription named "${name}"`);
  }
}
