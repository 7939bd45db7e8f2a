import { Pool, PoolClient } from 'pg';

/** Stored transaction ids at or past the server's next one: the database was restored or moved. */
export interface TransactionIdsAhead {
  nextTransactionId: string;
  maxEventTransactionId: string | null;
  maxCursorTransactionId: string | null;
}

/** What `rebaseTransactionIds` changed. */
export interface RebaseOutcome {
  rebased: boolean;
  transactions: number;
  cursors: number;
}

export const REBASE_COMMAND = 'npm run ops -- rebase';

/** The message a relay refusing to run logs, naming the command that fixes it. */
export const describeAhead = (schema: string, ahead: TransactionIdsAhead): string =>
  `the "${schema}" event table or cursors hold transaction ids (events up to ${ahead.maxEventTransactionId ?? '-'}, ` +
  `cursors up to ${ahead.maxCursorTransactionId ?? '-'}) at or past this server's next one (${ahead.nextTransactionId}): ` +
  `the database was restored or migrated. The relay delivers nothing until the cursors are re-based: ` +
  `run \`${REBASE_COMMAND} ${schema}\` (safe: it re-delivers rather than skips).`;

const AHEAD_SQL = (schema: string) => `
  SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS "nextTransactionId",
         (SELECT max(transaction_id)::text FROM "${schema}".events) AS "maxEventTransactionId",
         (SELECT max(cursor_transaction_id)::text FROM "${schema}".subscriptions) AS "maxCursorTransactionId",
         coalesce((SELECT max(transaction_id) FROM "${schema}".events), '0') >= pg_snapshot_xmax(pg_current_snapshot())
           OR coalesce((SELECT max(cursor_transaction_id) FROM "${schema}".subscriptions), '0')
              >= pg_snapshot_xmax(pg_current_snapshot()) AS ahead`;

/**
 * Whether `schema` holds transaction ids this server has not handed out yet. The relay's commit
 * frontier never passes them, so without this check it would stop silently with a lag of 0.
 */
export async function transactionIdsAhead(db: Pool | PoolClient, schema: string): Promise<TransactionIdsAhead | undefined> {
  const { rows } = await db.query<TransactionIdsAhead & { ahead: boolean }>(AHEAD_SQL(schema));
  const { ahead, ...found } = rows[0];
  return ahead ? found : undefined;
}

/**
 * Renumbers the stored transaction ids below the server's counter and moves every cursor with
 * them, so that the relay delivers again. Commit order is kept: restored events first in their old
 * order, then those appended since the restore (positions after every restored one's). A cursor
 * lands just before the first event it had not delivered, so nothing is skipped; at worst a few
 * delivered events come again, which consumers' inboxes absorb. Writers wait while it runs.
 */
export async function rebaseTransactionIds(pool: Pool, schema: string): Promise<RebaseOutcome> {
  const events = `"${schema}".events`;
  const { rows: counted } = await pool.query<{ transactions: number; next: string }>(
    `SELECT count(DISTINCT transaction_id)::int AS transactions,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next FROM ${events}`,
  );
  // New ids are 3 … transactions + 2 (below 3 are reserved); the server's counter must be past them.
  const shortfall = counted[0].transactions + 16 - Number(counted[0].next);
  if (shortfall > 0) await pool.query(`DO $$ BEGIN FOR i IN 1..${shortfall} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = on');
    await client.query(`LOCK TABLE ${events}, "${schema}".subscriptions IN EXCLUSIVE MODE`);
    if (!(await transactionIdsAhead(client, schema))) {
      await client.query('ROLLBACK');
      return { rebased: false, transactions: 0, cursors: 0 };
    }
    // Rows after the last restored (ahead) position were appended since the restore: they go last.
    const { rows: boundary } = await client.query<{ restored_up_to: string }>(
      `SELECT coalesce(max(global_position), 0)::text AS restored_up_to FROM ${events}
        WHERE transaction_id >= pg_snapshot_xmax(pg_current_snapshot())`,
    );
    const restoredUpTo = boundary[0].restored_up_to;
    const { rowCount: transactions } = await client.query(
      `CREATE TEMP TABLE transaction_id_map ON COMMIT DROP AS
         SELECT old_id, late, (2 + row_number() OVER (ORDER BY late, old_id))::text::xid8 AS new_id
           FROM (SELECT DISTINCT transaction_id AS old_id, global_position > $1::bigint AS late FROM ${events}) d`,
      [restoredUpTo],
    );
    // An event appended since the restore counts as undelivered: its old id sorted it before a
    // restored cursor, so the old order cannot tell, and re-delivering is the safe side.
    const mapped = `SELECT m.new_id, e.global_position AS pos,
                           m.late OR (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) AS undelivered
                      FROM ${events} e JOIN transaction_id_map m ON m.old_id = e.transaction_id AND m.late = (e.global_position > $3::bigint)`;
    const { rows: subscriptions } = await client.query<{ name: string; tx: string; pos: string }>(
      `SELECT name, cursor_transaction_id::text AS tx, cursor_position::text AS pos FROM "${schema}".subscriptions`,
    );
    for (const subscription of subscriptions) {
      const { rows } = await client.query<{ new_id: string; pos: string }>(
        `WITH mapped AS (${mapped}),
              first_undelivered AS (SELECT new_id, pos FROM mapped WHERE undelivered ORDER BY new_id, pos LIMIT 1)
         SELECT new_id::text AS new_id, pos::text AS pos FROM mapped
          WHERE NOT undelivered
            AND NOT EXISTS (SELECT 1 FROM first_undelivered f WHERE (mapped.new_id, mapped.pos) > (f.new_id, f.pos))
          ORDER BY mapped.new_id DESC, mapped.pos DESC LIMIT 1`,
        [subscription.tx, subscription.pos, restoredUpTo],
      );
      const to = rows[0] ?? { new_id: '0', pos: '0' };
      await client.query(
        `UPDATE "${schema}".subscriptions SET cursor_transaction_id = $2::xid8, cursor_position = $3, updated_at = now() WHERE name = $1`,
        [subscription.name, to.new_id, to.pos],
      );
    }
    await client.query(
      `UPDATE ${events} e SET transaction_id = m.new_id FROM transaction_id_map m
        WHERE m.old_id = e.transaction_id AND m.late = (e.global_position > $1::bigint)`,
      [restoredUpTo],
    );
    await client.query('COMMIT');
    return { rebased: true, transactions: transactions ?? 0, cursors: subscriptions.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
