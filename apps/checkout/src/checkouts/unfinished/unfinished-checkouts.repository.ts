import { UnfinishedCheckout, UnfinishedCheckouts } from '@app/contracts';
import { DataSource } from 'typeorm';

/** The table's DDL: every checkout not yet final, with its retry schedule. */
export const unfinishedCheckoutsDdl = (schema: string): string[] => [
  `CREATE TABLE "${schema}".unfinished_checkouts (
    checkout_id uuid PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts int NOT NULL DEFAULT 0,
    step text,
    last_error text
  )`,
  `CREATE INDEX unfinished_checkouts_due ON "${schema}".unfinished_checkouts (next_attempt_at)`,
];

/**
 * The table follows the checkout's events inside the transaction that appends them: a row comes with
 * CheckoutStarted and goes with CheckoutCompleted or CheckoutRejected, the events that make a
 * checkout final. So every committed start is tracked and no final checkout is, at no write of
 * their own; a group-committed append carries its checkouts' rows in its one statement.
 */
export const unfinishedFollowsEventsDdl = (schema: string): string[] => [
  `CREATE FUNCTION "${schema}".unfinished_checkouts_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.type = 'CheckoutStarted' THEN
        INSERT INTO "${schema}".unfinished_checkouts (checkout_id) VALUES ((NEW.data->>'checkoutId')::uuid) ON CONFLICT DO NOTHING;
      ELSE
        DELETE FROM "${schema}".unfinished_checkouts WHERE checkout_id = (NEW.data->>'checkoutId')::uuid;
      END IF;
      RETURN NULL;
    END $$`,
  `CREATE TRIGGER unfinished_checkouts_follow_events AFTER INSERT ON "${schema}".events FOR EACH ROW
    WHEN (NEW.type IN ('CheckoutStarted', 'CheckoutCompleted', 'CheckoutRejected'))
    EXECUTE FUNCTION "${schema}".unfinished_checkouts_follow_events()`,
];

const COLUMNS = `checkout_id AS "checkoutId", started_at AS "startedAt", extract(epoch FROM now() - started_at)::float8 AS "ageSeconds",
  attempts, step, last_error AS "lastError", next_attempt_at AS "nextAttemptAt", started_at < now() - $1 * interval '1 millisecond' AS overdue`;

/**
 * The checkouts that are not final: a row is written with the checkout's first event and removed
 * with its last (unfinishedFollowsEventsDdl), so a crash anywhere in between leaves the row for the
 * worker to find. Times come from the database clock, which every instance shares.
 */
export class UnfinishedCheckoutsRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly deadlineMs: number,
  ) {
    this.table = `"${schema}".unfinished_checkouts`;
  }

  /** Forgets a row that outlived its checkout (one an earlier version tracked). */
  async finished(checkoutId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE checkout_id = $1`, [checkoutId]);
  }

  /** Records a failed attempt; `delayFor` gives the wait before the next one from the attempt count. */
  async failed(checkoutId: string, step: string, error: string, delayFor: (attempts: number) => number): Promise<void> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [rows]: [{ attempts: number }[], number] = await this.dataSource.query(
      `UPDATE ${this.table} SET attempts = attempts + 1, step = $2, last_error = $3 WHERE checkout_id = $1 RETURNING attempts`,
      [checkoutId, step, error.slice(0, 500)],
    );
    if (rows.length === 0) return;
    await this.dataSource.query(`UPDATE ${this.table} SET next_attempt_at = now() + $2 * interval '1 millisecond' WHERE checkout_id = $1`, [
      checkoutId,
      delayFor(rows[0].attempts),
    ]);
  }

  async find(checkoutId: string): Promise<UnfinishedCheckout | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE checkout_id = $2`, [this.deadlineMs, checkoutId]);
    return row ? normalised(row) : undefined;
  }

  /** Checkouts older than `pendingAgeMs` whose next attempt is due and that no driver holds, the longest waiting first. */
  async due(pendingAgeMs: number, limit: number): Promise<UnfinishedCheckout[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE next_attempt_at <= now() AND started_at <= now() - $2 * interval '1 millisecond'
          AND (lease_until IS NULL OR lease_until <= now())
        ORDER BY next_attempt_at LIMIT $3`,
      [this.deadlineMs, pendingAgeMs, limit],
    );
    return rows.map(normalised);
  }

  /** How many are unfinished, how old the oldest is, and the oldest `limit` of them. */
  async summary(limit: number): Promise<UnfinishedCheckouts> {
    const [[{ count, oldest }], rows] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(started_at)), 0)::float8 AS oldest FROM ${this.table}`,
      ),
      this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY started_at LIMIT $2`, [this.deadlineMs, limit]),
    ]);
    const checkouts = (rows as Record<string, unknown>[]).map(normalised);
    return { count, oldestAgeSeconds: Math.round(Number(oldest) * 10) / 10, checkouts };
  }
}

function normalised(row: Record<string, unknown>): UnfinishedCheckout {
  return {
    ...(row as unknown as UnfinishedCheckout),
    startedAt: new Date(row.startedAt as string).toISOString(),
    nextAttemptAt: new Date(row.nextAttemptAt as string).toISOString(),
    ageSeconds: Math.round(Number(row.ageSeconds) * 10) / 10,
  };
}
