import { ClientBase, Pool } from 'pg';

type Queryable = Pick<ClientBase | Pool, 'query'>;

export interface StatementCount {
  query: string;
  calls: number;
  rows: number;
  totalMs: number;
}

export type StatementCounts = StatementCount[];

/** The bench's own look-ups (process ids, these counts): not the work under measure. */
const benchOwn = /pg_stat_statements|SELECT pid FROM pg_stat_activity/;

/** Starts counting afresh (pg_stat_statements must be loaded on the server). */
export async function resetStatements(db: Queryable): Promise<void> {
  await db.query('SELECT pg_stat_statements_reset()');
}

/** The statements run in `database` since the last reset, most called first, without the bench's own. */
export async function readStatements(db: Queryable, database: string): Promise<StatementCounts> {
  const { rows } = await db.query<{ query: string; calls: string; rows: string; total_ms: number }>(
    `SELECT s.query, s.calls::text AS calls, s.rows::text AS rows, s.total_exec_time AS total_ms
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = $1 ORDER BY s.calls DESC`,
    [database],
  );
  return rows
    .filter((row) => !benchOwn.test(row.query))
    .map((row) => ({ query: row.query, calls: Number(row.calls), rows: Number(row.rows), totalMs: row.total_ms }));
}

const kindOf = (query: string): 'read' | 'cursor' | 'other' =>
  /^\s*(?:WITH|SELECT)[\s\S]*FROM\s+"[^"]+"\.events\s+e?\s*[\s\S]*LIMIT/i.test(query)
    ? 'read'
    : /^\s*UPDATE/i.test(query)
      ? 'cursor'
      : 'other';

export interface StatementSummary {
  statements: number;
  reads: number;
  cursorMoves: number;
  other: number;
  execMs: number;
}

export function summarise(counts: StatementCounts): StatementSummary {
  const summary = { statements: 0, reads: 0, cursorMoves: 0, other: 0, execMs: 0 };
  for (const { query, calls, totalMs } of counts) {
    summary.statements += calls;
    summary.execMs += totalMs;
    const kind = kindOf(query);
    if (kind === 'read') summary.reads += calls;
    else if (kind === 'cursor') summary.cursorMoves += calls;
    else summary.other += calls;
  }
  return summary;
}

/** "statements: N per batch read (reads, cursor moves, other), execution µs per delivery; the most called …" */
export function describeStatements(counts: StatementCounts, deliveries: number): string {
  const { statements, reads, cursorMoves, other, execMs } = summarise(counts);
  const perRead = (n: number) => (reads ? (n / reads).toFixed(2) : 'n/a');
  const top = counts
    .slice(0, 3)
    .map(({ query, calls }) => `${calls}× ${query.replace(/\s+/g, ' ').slice(0, 60)}…`)
    .join(' | ');
  const costliest = [...counts]
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, 3)
    .map(
      ({ query, calls, totalMs }) =>
        `${((totalMs * 1_000) / deliveries).toFixed(1)} µs/delivery in ${calls}× ${query.replace(/\s+/g, ' ').slice(0, 60)}…`,
    )
    .join(' | ');
  return (
    `statements (pg_stat_statements): ${statements} in all, ${perRead(statements)} per batch read ` +
    `(${reads} reads, ${cursorMoves} cursor moves = ${perRead(cursorMoves)}/read, ${other} other); ` +
    `execution ${((execMs * 1_000) / deliveries).toFixed(1)} µs per delivery; most called: ${top}; costliest: ${costliest}`
  );
}

/** "0.53  BEGIN" lines: each statement's calls per `unit`, most called first, statements under 0.01 per unit summed at the end. */
export function describeCallsPerUnit(counts: StatementCounts, units: number): string[] {
  const per = (calls: number) => calls / Math.max(units, 1);
  const shown = counts.filter(({ calls }) => per(calls) >= 0.01);
  const rest = counts.filter(({ calls }) => per(calls) < 0.01).reduce((sum, { calls }) => sum + calls, 0);
  const total = counts.reduce((sum, { calls }) => sum + calls, 0);
  return [
    ...shown.map(({ query, calls }) => `${per(calls).toFixed(2)}  ${query.replace(/\s+/g, ' ').slice(0, 220)}`),
    ...(rest > 0 ? [`${per(rest).toFixed(2)}  (${counts.length - shown.length} statements under 0.01 each)`] : []),
    `${per(total).toFixed(2)}  in all`,
  ];
}
