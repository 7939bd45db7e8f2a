import { ClientBase, Pool } from 'pg';

type Queryable = Pick<ClientBase | Pool, 'query'>;

/** The server's backends connected to `databases`: the database work a bench's processes cause. */
export async function backendPids(db: Queryable, databases: readonly string[]): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = ANY($1::text[])`, [databases]);
  return rows.map((row) => row.pid);
}

/** The server's own processes (WAL writer, checkpointer, background writer, autovacuum): shared, but they write our commits. */
export async function backgroundPids(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend'`);
  return rows.map((row) => row.pid);
}

export interface DatabaseCounters {
  transactions: number;
  /** Transactions per database. */
  perDatabase: Map<string, number>;
  /** Statements executed, when pg_stat_statements is loaded (it needs a server restart to load, which a bench must not do). */
  statements?: number;
}

/**
 * Transactions (committed and rolled back) from pg_stat_database and statements from
 * pg_stat_statements, summed over `databases`. The server publishes a backend's counters up to
 * ten seconds late when the backend goes idle: read them a while after the work ends.
 */
export async function databaseCounters(db: Queryable, databases: readonly string[]): Promise<DatabaseCounters> {
  const { rows: each } = await db.query<{ datname: string; transactions: string }>(
    `SELECT datname, (xact_commit + xact_rollback)::text AS transactions FROM pg_stat_database WHERE datname = ANY($1::text[])`,
    [databases],
  );
  const perDatabase = new Map(each.map((row) => [row.datname, Number(row.transactions)]));
  const rows = [{ transactions: [...perDatabase.values()].reduce((sum, n) => sum + n, 0) }];
  let statements: number | undefined;
  try {
    const answer = await db.query<{ calls: string }>(
      `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ANY($1::text[])`,
      [databases],
    );
    statements = Number(answer.rows[0].calls);
  } catch {
    // Not installed or not preloaded: transactions only.
  }
  return { transactions: Number(rows[0].transactions), perDatabase, statements };
}

/** Transactions per `unit` in each database, named by `label`, most first. */
export function describePerDatabase(
  before: DatabaseCounters,
  after: DatabaseCounters,
  units: number,
  label: (database: string) => string = (database) => database,
): string {
  return [...after.perDatabase]
    .map(([database, n]) => [label(database), (n - (before.perDatabase.get(database) ?? 0)) / Math.max(units, 1)] as const)
    .sort(([, a], [, b]) => b - a)
    .map(([name, per]) => `${name} ${per.toFixed(2)}`)
    .join(', ');
}

/** "N transactions, M statements per <unit>", saying so when statements cannot be counted. */
export function describeCounters(before: DatabaseCounters, after: DatabaseCounters, units: number, unit: string): string {
  const per = (a: number, b: number) => ((b - a) / Math.max(units, 1)).toFixed(1);
  const statements =
    before.statements !== undefined && after.statements !== undefined
      ? `${per(before.statements, after.statements)} statements`
      : 'statements not counted (pg_stat_statements is not in shared_preload_libraries; loading it needs a server restart)';
  return `${per(before.transactions, after.transactions)} transactions, ${statements} per ${unit} (pg_stat_database)`;
}
