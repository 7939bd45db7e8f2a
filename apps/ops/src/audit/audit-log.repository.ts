import { EventEnvelope } from '@app/contracts';
import { DomainError } from '@app/domain';
import { isTimestamp } from '@app/platform';
import { EntityManager } from 'typeorm';
import { WhereClause } from '../persistence/where-clause';

export interface AuditFilter {
  producer?: string;
  streamId?: string;
  type?: string;
  /** Exclusive bounds on the time the event occurred. */
  after?: string;
  before?: string;
}

export interface AuditEntry {
  eventId: string;
  producer: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  globalPosition: string;
  occurredAt: Date;
  data: unknown;
  metadata: unknown;
}

type Position = [occurredAt: string, globalPosition: string, eventId: string];

/** Encodes where a page ended: newest-first order is (occurred_at, global_position, event_id) descending. */
export const encodeCursor = (entry: AuditEntry): string =>
  Buffer.from(JSON.stringify([entry.occurredAt.toISOString(), entry.globalPosition, entry.eventId])).toString('base64url');

function decodeCursor(cursor: string): Position {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(position) && position.length === 3 && isPosition(position)) return position as Position;
  } catch {
    // Reported below.
  }
  throw new DomainError('validation', 'INVALID_CURSOR', 'cursor must be the nextCursor of a previous page');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A forged cursor must fail here, as a 400, not in PostgreSQL's casts, as a 500.
const isPosition = ([occurredAt, globalPosition, eventId]: unknown[]): boolean =>
  isTimestamp(occurredAt) &&
  typeof globalPosition === 'string' &&
  /^\d{1,18}$/.test(globalPosition) &&
  typeof eventId === 'string' &&
  UUID.test(eventId);

/** Every event of every producer, as Ops received it. */
export class AuditLogRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${schema}".audit_events`;
  }

  /** Stores a batch of one producer's events in one statement; an event stored before is left as it is. */
  async append(manager: EntityManager, producer: string, events: readonly EventEnvelope[]): Promise<void> {
    const column = <T>(value: (event: EventEnvelope) => T): T[] => events.map(value);
    await manager.query(
      `INSERT INTO ${this.table} (event_id, producer, stream_id, stream_version, type, schema_version, global_position,
              occurred_at, data, metadata)
       SELECT event_id, $1, stream_id, stream_version, type, schema_version, global_position, occurred_at, data, metadata
         FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::int[], $7::bigint[], $8::timestamptz[], $9::jsonb[],
                     $10::jsonb[])
              AS input(event_id, stream_id, stream_version, type, schema_version, global_position, occurred_at, data, metadata)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        producer,
        column((event) => event.eventId),
        column((event) => event.streamId),
        column((event) => event.streamVersion),
        column((event) => event.type),
        column((event) => event.schemaVersion),
        column((event) => event.globalPosition),
        column((event) => event.occurredAt),
        column((event) => JSON.stringify(event.data)),
        column((event) => JSON.stringify(event.metadata)),
      ],
    );
  }

  /** Drops one producer's entries before its history is replayed into Ops again. */
  async forgetProducer(manager: EntityManager, producer: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE producer = $1`, [producer]);
  }

  async search(manager: EntityManager, filter: AuditFilter, page: { limit: number; cursor?: string }) {
    const where = new WhereClause();
    if (filter.producer !== undefined) where.add('producer = ?', filter.producer);
    if (filter.streamId !== undefined) where.add('stream_id = ?', filter.streamId);
    if (filter.type !== undefined) where.add('type = ?', filter.type);
    if (filter.after !== undefined) where.add('occurred_at > ?::timestamptz', filter.after);
    if (filter.before !== undefined) where.add('occurred_at < ?::timestamptz', filter.before);
    if (page.cursor !== undefined) {
      where.add('(occurred_at, global_position, event_id) < (?::timestamptz, ?::bigint, ?::uuid)', ...decodeCursor(page.cursor));
    }
    const limit = where.param(page.limit);
    const rows: AuditEntry[] = await manager.query(
      `SELECT event_id AS "eventId", producer, stream_id AS "streamId", stream_version AS "streamVersion", type,
              schema_version AS "schemaVersion", global_position::text AS "globalPosition", occurred_at AS "occurredAt",
              data, metadata
         FROM ${this.table} WHERE ${where.sql}
        ORDER BY occurred_at DESC, global_position DESC, event_id DESC
        LIMIT ${limit}`,
      where.params,
    );
    return { items: rows, nextCursor: rows.length === page.limit ? encodeCursor(rows[rows.length - 1]) : null };
  }
}
