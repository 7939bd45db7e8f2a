import { DomainError } from '@app/domain';
import { Pool } from 'pg';
import { SubscriptionLag } from './subscription-store';
import { RebaseOutcome, rebaseTransactionIds } from './transaction-id-rebase';

/** Operator actions on a producer's subscriptions: lag, pause, resume, rewind, re-base after a restore. */
export class SubscriptionAdmin {
  private readonly subscriptions: string;
  private readonly events: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.subscriptions = `"${schema}".subscriptions`;
    this.events = `"${schema}".events`;
  }

  /** Every subscription with its lag in events and in seconds (age of the oldest undelivered event). */
  async list(): Promise<SubscriptionLag[]> {
    const { rows } = await this.pool.query<SubscriptionLag>(
      `SELECT s.name, s.event_types AS "eventTypes", s.status,
              s.cursor_transaction_id::text AS "cursorTransactionId", s.cursor_position::text AS "cursorPosition",
              s.pending_control AS "pendingControl",
              lag.events::int AS "lagEvents",
              coalesce(extract(epoch FROM now() - lag.oldest), 0)::float8 AS "lagSeconds"
         FROM ${this.subscriptions} s
         CROSS JOIN LATERAL (
           SELECT count(*) AS events, min(e.recorded_at) AS oldest FROM ${this.events} e
            WHERE (e.transaction_id, e.global_position) > (s.cursor_transaction_id, s.cursor_position)
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
    // Commit order is (transaction_id, global_position): resume from the oldest transaction that
    // wrote anything after `toPosition`, or from the oldest one still running if that is older (it
    // may yet commit positions after `toPosition`), so nothing is skipped; a few earlier ones may repeat.
    const rowCount = await this.durably(
      `UPDATE ${this.subscriptions} s
          SET cursor_transaction_id = least(
                (SELECT min(transaction_id) FROM ${this.events} WHERE global_position > $2),
                pg_snapshot_xmin(pg_current_snapshot())),
              cursor_position = 0,
              pending_control = CASE WHEN $2 = 0 THEN '$rebuild' ELSE NULL END,
              updated_at = now()
        WHERE name = $1`,
      [name, toPosition],
    );
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
