import { DataSource } from 'typeorm';

/** The check that refuses a step reported under a lease that has since been taken over. */
export const LEASE_CONSTRAINT = 'checkout_lease_held';

/**
 * The lease on an unfinished checkout: its epoch grows by one each time a driver takes the checkout
 * over, and a step reported with an older epoch (the event's `leaseEpoch` metadata) is refused in
 * the transaction that would append it. The row lock serialises the check with a take-over: a step
 * either commits before the take-over (and its new driver reads it) or is refused.
 */
export const checkoutLeaseDdl = (schema: string): string[] => [
  `ALTER TABLE "${schema}".unfinished_checkouts ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0, ADD COLUMN lease_until timestamptz`,
  `CREATE FUNCTION "${schema}".checkout_step_within_lease() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE current_epoch bigint;
    BEGIN
      SELECT lease_epoch INTO current_epoch FROM "${schema}".unfinished_checkouts
       WHERE checkout_id = (NEW.data->>'checkoutId')::uuid FOR SHARE;
      IF FOUND AND current_epoch <> (NEW.metadata->>'leaseEpoch')::bigint THEN
        RAISE EXCEPTION 'checkout % was taken over (lease epoch % , step reported under %)',
          NEW.data->>'checkoutId', current_epoch, NEW.metadata->>'leaseEpoch'
          USING ERRCODE = 'check_violation', CONSTRAINT = '${LEASE_CONSTRAINT}';
      END IF;
      RETURN NEW;
    END $$`,
  `CREATE TRIGGER checkout_step_within_lease BEFORE INSERT ON "${schema}".events FOR EACH ROW
    WHEN (NEW.metadata ? 'leaseEpoch') EXECUTE FUNCTION "${schema}".checkout_step_within_lease()`,
];

/** A lease as its driver holds it: the epoch to report steps under; how long it and the checkout's deadline are away, as asked. */
export interface Lease {
  epoch: number;
  remainingMs: number;
  msToDeadline: number;
}

/** Whether `error` is the database refusing a step reported under a lease that was taken over. */
export function isLeaseLost(error: unknown): boolean {
  const pgError = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (
    (pgError?.driverError?.code ?? pgError?.code) === '23514' &&
    (pgError?.driverError?.constraint ?? pgError?.constraint) === LEASE_CONSTRAINT
  );
}

/** Takes and renews leases on the unfinished checkouts' rows, on the database's clock. */
export class CheckoutLeases {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly options: { leaseMs: number; deadlineMs: number },
  ) {
    this.table = `"${schema}".unfinished_checkouts`;
  }

  /**
   * Renews the lease of epoch `held` (if it is still the checkout's), or without `held` takes the
   * checkout over (the next epoch) when its lease is free or has run out; undefined when another
   * driver holds it, or the checkout is final. Until the deadline a lease ends at the deadline at the
   * latest, so that compensation starts on time.
   */
  async take(checkoutId: string, held: number | undefined): Promise<Lease | undefined> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [rows]: [{ epoch: string; remainingMs: number; msToDeadline: number }[], number] = await this.dataSource.query(
      `UPDATE ${this.table} SET
         lease_epoch = CASE WHEN lease_epoch = $2 THEN lease_epoch ELSE lease_epoch + 1 END,
         lease_until = CASE WHEN now() < started_at + $4 * interval '1 millisecond'
                            THEN least(now() + $3 * interval '1 millisecond', started_at + $4 * interval '1 millisecond')
                            ELSE now() + $3 * interval '1 millisecond' END
       WHERE checkout_id = $1 AND (lease_epoch = $2 OR ($2 = -1 AND (lease_until IS NULL OR lease_until <= now())))
       RETURNING lease_epoch AS epoch, extract(epoch FROM lease_until - now())::float8 * 1000 AS "remainingMs",
                 extract(epoch FROM started_at + $4 * interval '1 millisecond' - now())::float8 * 1000 AS "msToDeadline"`,
      [checkoutId, held ?? -1, this.options.leaseMs, this.options.deadlineMs],
    );
    const [row] = rows;
    return row && { epoch: Number(row.epoch), remainingMs: Number(row.remainingMs), msToDeadline: Number(row.msToDeadline) };
  }

  /**
   * Ends a run's lease early, but no earlier than `marginMs` from now: a call its driver gave up on
   * may still take effect that long, and the next driver's look-ups must come after it.
   */
  async release(checkoutId: string, epoch: number, marginMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET lease_until = least(lease_until, now() + $3 * interval '1 millisecond') WHERE checkout_id = $1 AND lease_epoch = $2`,
      [checkoutId, epoch, marginMs],
    );
  }
}
