import { Headers } from '@app/contracts';
import { PARKED } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { deadLetterActions } from './dead-letter.metrics';
import { DeadLetterRecord } from './domain/dead-letter-record';
import { Json } from './domain/json-value';
import { REPLAY_NUMBER_HEADER } from './domain/replay-message';

export type DeadLetterStatus = 'dead' | 'replayed' | 'archived' | 'superseded';

/** Resolved dead letters: retention may purge them once old enough. `dead` ones are never purged. */
export const RESOLVED_STATUSES: readonly DeadLetterStatus[] = ['replayed', 'archived', 'superseded'];

/** Which dead letters an operation is about; `type: ''` means "no type" (a typeless message). */
export interface DeadLetterFilter {
  status?: DeadLetterStatus | 'all';
  queue?: string;
  type?: string;
  code?: string;
  /** Free text, matched case-insensitively within type, error code, error message, stream id and message id. */
  search?: string;
  /** Last failed at or after this instant (ISO). */
  from?: string;
  /** Last failed before this instant (ISO). */
  to?: string;
}

export interface DeadLetterSummary {
  id: number;
  queue: string;
  messageId: string;
  type: string | null;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  timesDeadLettered: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  status: DeadLetterStatus;
  replayCount: number;
  lastReplayedAt: Date | null;
  lastReplayedBy: string | null;
  archivedAt: Date | null;
  archivedBy: string | null;
  /** The dead letter this one is an operator's edited copy of. */
  editOf: number | null;
  supersededAt: Date | null;
  supersededBy: string | null;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  headers: Record<string, Json>;
  properties: Record<string, Json>;
  body: Buffer;
  /** The edited copy that replaced this one, if an operator edited it. */
  editedInto: number | null;
  history: { at: Date; actor: string; action: string; detail: Record<string, Json> }[];
}

/** What an edit needs of its original, and what it writes: the copy's message id and body. */
export interface DeadLetterEdit {
  messageId: string;
  body: Buffer;
  actor: string;
  /** The two bodies as the audit keeps them (text, or base64 when not UTF-8). */
  audit: { originalBody: string; editedBody: string };
}

export interface LockedDeadLetter {
  id: number;
  queue: string;
  messageId: string;
  headers: Record<string, Json>;
  properties: Record<string, Json>;
  body: Buffer;
  replayCount: number;
}

const SUMMARY_COLUMNS = `id, queue, message_id AS "messageId", type, error_code AS "errorCode",
  error_message AS "errorMessage", attempts, times_dead_lettered AS "timesDeadLettered",
  first_failed_at AS "firstFailedAt", last_failed_at AS "lastFailedAt", status, replay_count AS "replayCount",
  last_replayed_at AS "lastReplayedAt", last_replayed_by AS "lastReplayedBy", archived_at AS "archivedAt",
  archived_by AS "archivedBy", edit_of AS "editOf", superseded_at AS "supersededAt", superseded_by AS "supersededBy"`;

const INSERT_COLUMNS = 11;

// bigint columns arrive as strings; ids stay far below 2^53.
const withNumericId = <T extends { id: unknown }>(row: T): T => ({ ...row, id: Number(row.id) });
const withNumericIds = <T extends { id: unknown; editOf?: unknown }>(row: T): T => ({
  ...withNumericId(row),
  editOf: row.editOf === null || row.editOf === undefined ? null : Number(row.editOf),
});

/** `%` and `_` in an operator's search text are letters, not wildcards. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A stream a consumer holds behind a dead letter, with that blocker and the dead letters parked behind it. */
export interface ParkedStream {
  queue: string;
  streamId: string;
  parked: number;
  parkedVersions: number[];
  parkedSince: Date;
  blocker: {
    id: number | null;
    messageId: string;
    type: string | null;
    version: number | null;
    status: DeadLetterStatus | null;
    errorCode: string | null;
    errorMessage: string | null;
  };
}

const STREAM_VERSION = `CASE WHEN headers->>'${Headers.streamVersion}' ~ '^[0-9]{1,9}$' THEN (headers->>'${Headers.streamVersion}')::int END`;

/** SQL over `<schema>.dead_letters` and the operator actions that concern them. */
export class DeadLetterRepository {
  private readonly table: string;
  private readonly actions: string;

  constructor(schema: string) {
    this.table = `"${schema}".dead_letters`;
    this.actions = `"${schema}".operator_actions`;
  }

  /**
   * Stores dead-letterings. A message already known comes back to `dead` with its attempts added,
   * unless this is a redelivery of a failure already stored (same or older `last_failed_at`). A
   * failure of the latest replay (its replay number, kept by the consumer, is the row's replay
   * count) is always new, whatever its timestamp: a consumer whose clock is behind must not make
   * a dead letter vanish. A superseded one stays so: its edited copy is the one that may be sent.
   */
  async record(manager: EntityManager, records: readonly DeadLetterRecord[]): Promise<void> {
    // One statement cannot touch a row twice; a repeated key waits for the next statement.
    let remaining = [...records].sort(byKey);
    while (remaining.length > 0) {
      const seen = new Set<string>();
      const now: DeadLetterRecord[] = [];
      const later: DeadLetterRecord[] = [];
      for (const record of remaining) {
        const key = `${record.queue}\u0000${record.messageId}`;
        (seen.has(key) ? later : now).push(record);
        seen.add(key);
      }
      await this.upsert(manager, now);
      remaining = later;
    }
  }

  private async upsert(manager: EntityManager, records: readonly DeadLetterRecord[]): Promise<void> {
    const params: unknown[] = [];
    const rows = records.map((r, index) => {
      params.push(
        r.queue,
        r.messageId,
        r.type,
        JSON.stringify(r.headers),
        JSON.stringify(r.properties),
        r.body,
        r.errorCode,
        r.errorMessage,
        r.attempts,
        r.firstFailedAt,
        r.lastFailedAt,
      );
      const p = (n: number) => `$${index * INSERT_COLUMNS + n}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}::jsonb, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}::timestamptz, ${p(11)}::timestamptz)`;
    });
    await manager.query(
      `INSERT INTO ${this.table} AS d (queue, message_id, type, headers, properties, body, error_code, error_message,
              attempts, first_failed_at, last_failed_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (queue, message_id) DO UPDATE SET
         type = excluded.type, headers = excluded.headers, properties = excluded.properties, body = excluded.body,
         error_code = excluded.error_code, error_message = excluded.error_message,
         attempts = d.attempts + excluded.attempts,
         first_failed_at = least(d.first_failed_at, excluded.first_failed_at),
         last_failed_at = excluded.last_failed_at,
         times_dead_lettered = d.times_dead_lettered + 1,
         status = 'dead', archived_at = NULL, archived_by = NULL, replay_claimed_at = NULL, updated_at = now()
       WHERE d.status <> 'superseded' AND (d.last_failed_at < excluded.last_failed_at
          OR (d.status = 'replayed' AND d.replay_count > 0 AND
              CASE WHEN excluded.headers->>'${REPLAY_NUMBER_HEADER}' ~ '^[0-9]{1,9}$'
                   THEN (excluded.headers->>'${REPLAY_NUMBER_HEADER}')::int ELSE 0 END >= d.replay_count))`,
      params,
    );
  }

  /**
   * One page after `page.after`, oldest first, and whether more match: one row beyond the page is
   * read, so a page that ends exactly at the last match says so (no empty page after it).
   */
  async list(
    manager: EntityManager,
    filter: DeadLetterFilter,
    page: { after: number; limit: number },
  ): Promise<{ items: DeadLetterSummary[]; total: number; more: boolean }> {
    const params: unknown[] = [];
    const where = this.where(filter, params);
    const [{ total }] = await manager.query(`SELECT count(*)::int AS total FROM ${this.table} WHERE ${where}`, params);
    params.push(page.after, page.limit + 1);
    const rows: DeadLetterSummary[] = await manager.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.table}
        WHERE ${where} AND id > $${params.length - 1} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return { items: rows.slice(0, page.limit).map(withNumericIds), total, more: rows.length > page.limit };
  }

  async groups(manager: EntityManager, status: DeadLetterStatus) {
    const rows: {
      queue: string;
      type: string | null;
      code: string;
      count: number;
      firstFailedAt: Date;
      lastFailedAt: Date;
      sampleError: string;
    }[] = await manager.query(
      `SELECT queue, type, error_code AS code, count(*)::int AS count,
                min(first_failed_at) AS "firstFailedAt", max(last_failed_at) AS "lastFailedAt",
                min(error_message) AS "sampleError"
           FROM ${this.table} WHERE status = $1
          GROUP BY queue, type, error_code
          ORDER BY count(*) DESC, queue, type, error_code`,
      [status],
    );
    return rows;
  }

  async find(manager: EntityManager, id: number): Promise<DeadLetterDetail | undefined> {
    const [row] = await manager.query(
      `SELECT ${SUMMARY_COLUMNS}, headers, properties, body,
              (SELECT max(e.id) FROM ${this.table} e WHERE e.edit_of = $1) AS "editedInto"
         FROM ${this.table} WHERE id = $1`,
      [id],
    );
    if (!row) return undefined;
    const history = await manager.query(`SELECT at, actor, action, detail FROM ${this.actions} WHERE dead_letter_id = $1 ORDER BY id`, [
      id,
    ]);
    const detail = withNumericIds(row as DeadLetterDetail);
    return { ...detail, editedInto: detail.editedInto === null ? null : Number(detail.editedInto), history };
  }

  /** Streams parked behind a dead letter, per queue: the parked dead letters grouped under their blocker. */
  async parkedStreams(manager: EntityManager, queue?: string): Promise<ParkedStream[]> {
    const rows: (Omit<ParkedStream, 'blocker'> & Record<string, unknown>)[] = await manager.query(
      `WITH parked AS (
         SELECT id, queue, headers->>'${Headers.streamId}' AS stream_id, headers->>'${Headers.parkedBehind}' AS blocker,
                ${STREAM_VERSION} AS version, first_failed_at
           FROM ${this.table} WHERE status = 'dead' AND error_code = $1 AND ($2::text IS NULL OR queue = $2))
       SELECT p.queue, p.stream_id AS "streamId", count(*)::int AS parked,
              array_agg(p.version ORDER BY p.version) AS "parkedVersions", min(p.first_failed_at) AS "parkedSince",
              p.blocker AS "blockerMessageId", b.id AS "blockerId", b.type AS "blockerType", b.status AS "blockerStatus",
              b.error_code AS "blockerErrorCode", b.error_message AS "blockerErrorMessage",
              CASE WHEN b.headers->>'${Headers.streamVersion}' ~ '^[0-9]{1,9}$'
                   THEN (b.headers->>'${Headers.streamVersion}')::int END AS "blockerVersion"
         FROM parked p LEFT JOIN ${this.table} b ON b.queue = p.queue AND b.message_id = p.blocker
        GROUP BY p.queue, p.stream_id, p.blocker, b.id
        ORDER BY p.queue, min(p.id)`,
      [PARKED, queue ?? null],
    );
    return rows.map((row) => ({
      queue: row.queue,
      streamId: row.streamId,
      parked: row.parked,
      parkedVersions: row.parkedVersions,
      parkedSince: row.parkedSince,
      blocker: {
        id: row.blockerId === null ? null : Number(row.blockerId),
        messageId: row.blockerMessageId as string,
        type: row.blockerType as string | null,
        version: row.blockerVersion as number | null,
        status: row.blockerStatus as DeadLetterStatus | null,
        errorCode: row.blockerErrorCode as string | null,
        errorMessage: row.blockerErrorMessage as string | null,
      },
    }));
  }

  /** For each of `ids` that blocks a stream, the dead letters parked behind it, in their stream's version order. */
  async parkedFollowers(manager: EntityManager, ids: readonly number[]): Promise<Map<number, number[]>> {
    const rows: { blocker: string; follower: string }[] = await manager.query(
      `SELECT b.id AS blocker, f.id AS follower
         FROM ${this.table} b JOIN ${this.table} f
           ON f.queue = b.queue AND f.headers->>'${Headers.parkedBehind}' = coalesce(b.origin_message_id, b.message_id)
        WHERE b.id = ANY($1::bigint[]) AND f.status = 'dead' AND f.error_code = $2
        ORDER BY b.id, ${STREAM_VERSION.replaceAll('headers', 'f.headers')}, f.id`,
      [ids, PARKED],
    );
    const followers = new Map<number, number[]>();
    for (const row of rows) followers.set(Number(row.blocker), [...(followers.get(Number(row.blocker)) ?? []), Number(row.follower)]);
    return followers;
  }

  /** The ids matching `filter`, oldest first. */
  async ids(manager: EntityManager, filter: DeadLetterFilter): Promise<number[]> {
    const params: unknown[] = [];
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM ${this.table} WHERE ${this.where(filter, params)} ORDER BY id`,
      params,
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * Claims the still-dead rows among `ids` for a replay: they turn `replayed` with a claim mark, in
   * a transaction of their own, so nothing stays locked while the broker confirms and a concurrent
   * replay finds them taken. Rows are locked in (queue, message_id) order, the order the drain
   * upserts in, so the two never deadlock. Each row's `replayCount` is this replay's number.
   */
  async claimDead(manager: EntityManager, ids: readonly number[], actor: string): Promise<LockedDeadLetter[]> {
    const rows: LockedDeadLetter[] = await manager.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count] instead of rows.
      `WITH claimable AS (
         SELECT id FROM ${this.table} WHERE id = ANY($1::bigint[]) AND status = 'dead'
          ORDER BY queue COLLATE "C", message_id COLLATE "C" FOR UPDATE),
       claimed AS (
         UPDATE ${this.table} d SET status = 'replayed', replay_count = d.replay_count + 1, last_replayed_at = now(),
                last_replayed_by = $2, replay_claimed_at = now(), updated_at = now()
           FROM claimable WHERE d.id = claimable.id
         RETURNING d.id, d.queue, d.message_id AS "messageId", d.headers, d.properties, d.body, d.replay_count AS "replayCount")
       SELECT * FROM claimed`,
      [ids, actor],
    );
    return rows.map(withNumericId);
  }

  /** The broker confirmed these replays: the claim is settled, and recorded as the actor's action. */
  async confirmReplayed(
    manager: EntityManager,
    ids: readonly number[],
    actor: string,
    action: 'replay' | 'skip' = 'replay',
  ): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(`UPDATE ${this.table} SET replay_claimed_at = NULL WHERE id = ANY($1::bigint[])`, [ids]);
    await this.recordActions(manager, ids, actor, action);
  }

  /**
   * Turns claims back to `dead`: those whose publish failed (`ids`), or, with `olderThanSeconds`,
   * those a crash cut short before their confirm. A replay that did get through is absorbed by the
   * consumer's inbox when it is replayed again, as it keeps its message id.
   */
  async releaseClaims(manager: EntityManager, scope: { ids: readonly number[] } | { olderThanSeconds: number }): Promise<number> {
    const condition = 'ids' in scope ? 'id = ANY($1::bigint[])' : 'replay_claimed_at < now() - make_interval(secs => $1)';
    const rows: unknown[] = await manager.query(
      `WITH released AS (
         UPDATE ${this.table} SET status = 'dead', replay_count = replay_count - 1, replay_claimed_at = NULL, updated_at = now()
          WHERE ${condition} AND status = 'replayed' AND replay_claimed_at IS NOT NULL RETURNING id)
       SELECT id FROM released`,
      ['ids' in scope ? scope.ids : scope.olderThanSeconds],
    );
    return rows.length;
  }

  async statuses(manager: EntityManager, ids: readonly number[]): Promise<Map<number, DeadLetterStatus>> {
    const rows: { id: string; status: DeadLetterStatus }[] = await manager.query(
      `SELECT id, status FROM ${this.table} WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((row) => [Number(row.id), row.status]));
  }

  /** Archives the dead ones among `ids`; answers which were archived. */
  async archive(manager: EntityManager, ids: readonly number[], actor: string): Promise<number[]> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count] instead of rows.
    const rows: { id: string; queue: string }[] = await manager.query(
      `WITH archived AS (
         UPDATE ${this.table} SET status = 'archived', archived_at = now(), archived_by = $2, updated_at = now()
          WHERE id = ANY($1::bigint[]) AND status = 'dead'
          RETURNING id, queue)
       SELECT id, queue FROM archived`,
      [ids, actor],
    );
    const archived = rows.map((row) => Number(row.id));
    await this.recordActions(manager, archived, actor, 'archive');
    // Last statement of the caller's transaction: only a failed commit could leave the count one ahead.
    for (const [queue, count] of countBy(rows.map((row) => row.queue))) deadLetterActions.archived(queue, count);
    return archived;
  }

  /**
   * Edit and retry, the state change: the original turns `superseded` only if it is still `dead`
   * (a conditional UPDATE: a concurrent replay, archive or edit that got there first makes this
   * one change nothing), and in the same statement its edited copy is inserted as a `dead` row of
   * its own, and the edit is recorded with both bodies. Answers the copy's id, or undefined when
   * the original was no longer dead. Whoever wins the row lock wins; the others find it taken.
   */
  async supersede(manager: EntityManager, id: number, edit: DeadLetterEdit): Promise<number | undefined> {
    const rows: { id: string }[] = await manager.query(
      `WITH original AS (
         UPDATE ${this.table} SET status = 'superseded', superseded_at = now(), superseded_by = $3, updated_at = now()
          WHERE id = $1 AND status = 'dead'
          RETURNING id, queue, message_id, origin_message_id, type, headers, properties, error_code, error_message, attempts,
                    first_failed_at, last_failed_at, times_dead_lettered),
       copy AS (
         INSERT INTO ${this.table} (queue, message_id, type, headers, properties, body, error_code, error_message, attempts,
                first_failed_at, last_failed_at, times_dead_lettered, edit_of, origin_message_id)
         SELECT queue, $2, type, headers, properties, $4, error_code, error_message, attempts, first_failed_at, last_failed_at,
                times_dead_lettered, id, coalesce(origin_message_id, message_id)
           FROM original
         RETURNING id, edit_of),
       audit AS (
         INSERT INTO ${this.actions} (actor, action, target, dead_letter_id, detail)
         SELECT $3, 'edit', o.queue, o.id,
                jsonb_build_object('messageId', o.message_id, 'editedId', c.id, 'editedMessageId', $2::text,
                                   'originalBody', $5::text, 'editedBody', $6::text)
           FROM original o JOIN copy c ON c.edit_of = o.id)
       SELECT id FROM copy`,
      [id, edit.messageId, edit.actor, edit.body, edit.audit.originalBody, edit.audit.editedBody],
    );
    return rows.length === 0 ? undefined : Number(rows[0].id);
  }

  /** How many of the dead ones among `ids` fall in each group: what a replay of them would send. */
  async groupsOf(manager: EntityManager, ids: readonly number[]) {
    const rows: { queue: string; type: string | null; code: string; count: number }[] = await manager.query(
      `SELECT queue, type, error_code AS code, count(*)::int AS count
         FROM ${this.table} WHERE id = ANY($1::bigint[]) AND status = 'dead'
        GROUP BY queue, type, error_code ORDER BY count(*) DESC, queue, type, error_code`,
      [ids],
    );
    return rows;
  }

  private async recordActions(manager: EntityManager, ids: readonly number[], actor: string, action: string) {
    if (ids.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.actions} (actor, action, target, dead_letter_id, detail)
       SELECT $2, $3, d.queue, d.id, jsonb_build_object('messageId', d.message_id)
         FROM ${this.table} d WHERE d.id = ANY($1::bigint[]) ORDER BY d.id`,
      [ids, actor, action],
    );
  }

  private where(filter: DeadLetterFilter, params: unknown[]): string {
    const clauses = ['true'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace(/\?1?/g, `$${params.length}`));
    };
    const status = filter.status ?? 'dead';
    if (status !== 'all') add('status = ?', status);
    if (filter.queue !== undefined) add('queue = ?', filter.queue);
    if (filter.type !== undefined) add(`coalesce(type, '') = ?`, filter.type);
    if (filter.code !== undefined) add('error_code = ?', filter.code);
    if (filter.from !== undefined) add('last_failed_at >= ?::timestamptz', filter.from);
    if (filter.to !== undefined) add('last_failed_at < ?::timestamptz', filter.to);
    if (filter.search !== undefined && filter.search.trim() !== '') {
      add(
        `(coalesce(type, '') ILIKE ?1 OR error_code ILIKE ?1 OR error_message ILIKE ?1
          OR coalesce(headers->>'${Headers.streamId}', '') ILIKE ?1 OR message_id ILIKE ?1)`,
        likePattern(filter.search.trim()),
      );
    }
    return clauses.join(' AND ');
  }
}

const byKey = (a: DeadLetterRecord, b: DeadLetterRecord): number =>
  a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
