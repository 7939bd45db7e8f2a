import { DomainError } from '@app/domain';
import { EntityManager } from 'typeorm';
import { WhereClause } from '../persistence/where-clause';

export interface OperatorActionFilter {
  operator?: string;
  action?: string;
  target?: string;
  /** Exclusive bounds on when it was done. */
  after?: string;
  before?: string;
}

export interface OperatorActionEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  /** The HTTP status Ops answered. */
  outcome: number;
  detail: Record<string, unknown>;
}

export interface RecordedRequest {
  actor: string;
  action: string;
  target: string;
  outcome: number;
  detail: object;
}

// Newest first is id order: ids are given as rows are written, and a timestamp cursor would lose
// the microseconds that JavaScript's Date cannot hold. Sorted by the bigint column, not the answer's
// text `id` (as text, 9 sorts after 10).
const encodeCursor = (entry: OperatorActionEntry): string => Buffer.from(JSON.stringify({ before: entry.id })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { before?: unknown } | null;
    // A forged cursor must fail here, as a 400, not in PostgreSQL's casts, as a 500.
    if (typeof position?.before === 'string' && /^\d{1,18}$/.test(position.before)) return position.before;
  } catch {
    // Reported below.
  }
  throw new DomainError('validation', 'INVALID_CURSOR', 'cursor must be the nextCursor of a previous page');
}

/**
 * What operators did: one row per state-changing request to Ops, with who (the authenticated
 * principal), what, on what, and the answer's status, refusals included; plus the rows a replay
 * or an archive writes about each dead letter (outcome NULL), which make up its history.
 */
export class OperatorActionsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${schema}".operator_actions`;
  }

  async recordRequest(manager: EntityManager, request: RecordedRequest): Promise<void> {
    await manager.query(`INSERT INTO ${this.table} (actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
      request.actor,
      request.action,
      request.target,
      request.outcome,
      JSON.stringify(request.detail),
    ]);
  }

  /** The requests matching `filter`, newest first, a page at a time. */
  async search(manager: EntityManager, filter: OperatorActionFilter, page: { limit: number; cursor?: string }) {
    const where = new WhereClause('outcome IS NOT NULL');
    if (filter.operator !== undefined) where.add('actor = ?', filter.operator);
    if (filter.action !== undefined) where.add('action = ?', filter.action);
    if (filter.target !== undefined) where.add('target = ?', filter.target);
    if (filter.after !== undefined) where.add('at > ?::timestamptz', filter.after);
    if (filter.before !== undefined) where.add('at < ?::timestamptz', filter.before);
    if (page.cursor !== undefined) where.add('id < ?::bigint', decodeCursor(page.cursor));
    // One row beyond the page says whether another follows: a last page that is full has no cursor.
    const limit = where.param(page.limit + 1);
    const rows: OperatorActionEntry[] = await manager.query(
      `SELECT id::text AS id, at, actor, action, target, outcome, detail
         FROM ${this.table} recorded WHERE ${where.sql}
        ORDER BY recorded.id DESC
        LIMIT ${limit}`,
      where.params,
    );
    const items = rows.slice(0, page.limit);
    return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]) : null };
  }
}
