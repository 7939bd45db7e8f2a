import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The check that keeps a cancelled transactionId from being charged (CancelledTransactions migration). */
export const NOT_CANCELLED_CONSTRAINT = 'transaction_not_cancelled';

// The two-key form of the advisory lock: a key space of its own, apart from the leader and migration locks.
const LOCK = `pg_advisory_xact_lock(hashtext('account-transaction'), hashtext($1 || '/' || $2))`;

/**
 * The table of transaction ids refunded or cancelled before they were ever charged, and the trigger
 * that refuses their charge. The charge and the cancellation of one id take the same transaction
 * lock, so whichever commits second sees the first: a charge on its way when its checkout was
 * compensated either lands before the refund (which then undoes it) or is refused.
 */
export const cancelledTransactionsDdl = (schema: string): string[] => [
  `CREATE TABLE "${schema}".cancelled_transactions (
    stream_id text NOT NULL,
    transaction_id text NOT NULL,
    cancelled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, transaction_id)
  )`,
  `CREATE FUNCTION "${schema}".purchase_not_cancelled() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('account-transaction'), hashtext(NEW.stream_id || '/' || (NEW.data->>'transactionId')));
      IF EXISTS (SELECT 1 FROM "${schema}".cancelled_transactions
                  WHERE stream_id = NEW.stream_id AND transaction_id = NEW.data->>'transactionId') THEN
        RAISE EXCEPTION 'transaction % was cancelled', NEW.data->>'transactionId'
          USING ERRCODE = 'check_violation', CONSTRAINT = '${NOT_CANCELLED_CONSTRAINT}';
      END IF;
      RETURN NEW;
    END $$`,
  `CREATE TRIGGER purchase_not_cancelled BEFORE INSERT ON "${schema}".events FOR EACH ROW
    WHEN (NEW.type = 'ItemPurchased') EXECUTE FUNCTION "${schema}".purchase_not_cancelled()`,
];

/** Whether `error` is the database refusing the charge of a cancelled transactionId. */
export function isCancelledTransaction(error: unknown): boolean {
  const pgError = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = pgError?.driverError?.code ?? pgError?.code;
  const constraint = pgError?.driverError?.constraint ?? pgError?.constraint;
  return code === '23514' && constraint === NOT_CANCELLED_CONSTRAINT;
}

/** Cancels transaction ids that were never charged, so that they never will be. */
@Injectable()
export class CancelledTransactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records `transactionId` as cancelled unless it was charged meanwhile: `charged` then, and nothing is recorded. */
  cancel(streamId: string, transactionId: string): Promise<'cancelled' | 'charged'> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT ${LOCK}`, [streamId, transactionId]);
      const charged: unknown[] = await manager.query(
        `SELECT 1 FROM account.events WHERE stream_id = $1 AND data->>'transactionId' = $2 AND type = 'ItemPurchased'`,
        [streamId, transactionId],
      );
      if (charged.length > 0) return 'charged';
      await manager.query(`INSERT INTO account.cancelled_transactions (stream_id, transaction_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        streamId,
        transactionId,
      ]);
      return 'cancelled';
    });
  }
}
