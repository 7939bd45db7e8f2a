import { EntityManager } from 'typeorm';
import { InboxVerdict, StreamPark, admissionVerdict, releasesPark } from './stream-parking.rules';
import { drainsAfter } from './waiting-events.rules';
import { chainsApply } from './batch-layers';

export interface InboxDecision {
  verdict: InboxVerdict;
  appliedVersion: number;
  /** The dead letter the stream is parked behind at this queue, if any. */
  park?: StreamPark;
  /** Admitting this message releases the stream's park (it is the blocker, or past it). */
  releases: boolean;
  /** Whether, once this message is admitted, events waiting in its stream may be applied: look at them. */
  drains: boolean;
}

/** A message asking to be applied: its id and its place in its stream. */
export interface Admission {
  messageId: string;
  streamId: string;
  streamVersion: number;
  previousVersion: number;
  /** False while events of its append (sent to this queue) follow it. */
  endsAppend: boolean;
}

/**
 * The consumer side of exactly-once effects: `(queue, message_id)` rows plus the last applied
 * version of each stream, written in the handler's own transaction.
 */
export class Inbox {
  private readonly inbox: string;
  private readonly checkpoints: string;
  private readonly parked: string;
  private readonly waiting: string;

  constructor(schema: string) {
    this.inbox = `"${schema}".inbox`;
    this.checkpoints = `"${schema}".stream_checkpoints`;
    this.parked = `"${schema}".parked_streams`;
    this.waiting = `"${schema}".waiting_events`;
  }

  /**
   * Records each message, checks its place in its stream and moves the checkpoint of each message
   * to be applied, for a batch of messages of distinct streams, in one statement. `previousVersion`
   * is the version of the stream's previous event sent to this queue; if that one has not been
   * applied yet, or events of the message's append are still to come, the message must wait
   * (WaitingEvents), unless its stream is parked behind a dead letter (stream-parking.rules.ts;
   * the checkpoint move below keeps the same rule). The stream checkpoints are locked until the
   * transaction ends; the caller applies the messages in that same transaction and rolls it all
   * back (checkpoints included) when one fails.
   */
  async admit(manager: EntityManager, queue: string, admissions: readonly Admission[]): Promise<InboxDecision[]> {
    const rows: { fresh: boolean; applied: number; blocker: string | null; blockerVersion: number | null; waits: boolean }[] =
      await manager.query(
        `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::boolean[])
           WITH ORDINALITY AS t(message_id, stream_id, stream_version, previous_version, ends_append, ord)
       ), fresh AS (
         INSERT INTO ${this.inbox} (queue, message_id) SELECT $1, message_id FROM input
         ON CONFLICT DO NOTHING RETURNING message_id
       ), locked AS (
         SELECT stream_id, version FROM ${this.checkpoints} WHERE queue = $1 AND stream_id = ANY($3) FOR UPDATE
       ), decided AS (
         SELECT i.ord, i.message_id, i.stream_id, i.stream_version, i.previous_version, i.ends_append,
                f.message_id IS NOT NULL AS fresh, coalesce(l.version, 0) AS applied,
                p.blocker_event_id AS blocker, p.blocker_version,
                EXISTS (SELECT 1 FROM ${this.waiting} w WHERE w.queue = $1 AND w.stream_id = i.stream_id) AS waits
           FROM input i LEFT JOIN fresh f USING (message_id) LEFT JOIN locked l USING (stream_id)
                LEFT JOIN ${this.parked} p ON p.queue = $1 AND p.stream_id = i.stream_id
       ), advanced AS (
         INSERT INTO ${this.checkpoints} (queue, stream_id, version)
         SELECT $1, stream_id, stream_version FROM decided
          WHERE fresh AND stream_version > applied AND previous_version <= applied AND ends_append
            AND NOT coalesce(blocker_version > applied AND message_id <> blocker AND stream_version > blocker_version, false)
         ON CONFLICT (queue, stream_id) DO UPDATE SET version = excluded.version
       )
       SELECT fresh, applied, blocker, blocker_version AS "blockerVersion", waits FROM decided ORDER BY ord`,
        [
          queue,
          admissions.map((a) => a.messageId),
          admissions.map((a) => a.streamId),
          admissions.map((a) => a.streamVersion),
          admissions.map((a) => a.previousVersion),
          admissions.map((a) => a.endsAppend),
        ],
      );
    return admissions.map(({ messageId, streamVersion, previousVersion, endsAppend }, i) => {
      const { fresh, applied: appliedVersion, blocker, blockerVersion, waits } = rows[i];
      const park = blocker === null ? undefined : { blockerEventId: blocker, blockerVersion: Number(blockerVersion) };
      const facts = { messageId, streamVersion, previousVersion, endsAppend, fresh, appliedVersion, park };
      const verdict = admissionVerdict(facts);
      return { verdict, appliedVersion, park, releases: releasesPark(facts, verdict), drains: drainsAfter(facts, verdict, waits) };
    });
  }

  /**
   * For a batch holding several events of a stream: locks the batch's stream checkpoints and reads
   * them with what `chainsApply` needs; when every event applies in delivery order, records the
   * inbox rows and moves the checkpoints (two statements for the whole batch, where `admit` takes
   * one per event of a stream) and answers true; else changes nothing and answers false.
   */
  async admitChains(manager: EntityManager, queue: string, admissions: readonly Admission[]): Promise<boolean> {
    const messageIds = admissions.map((a) => a.messageId);
    const rows: { streamId: string; applied: number; parked: boolean; waits: boolean; known: number }[] = await manager.query(
      `WITH streams AS (SELECT DISTINCT stream_id FROM unnest($2::text[]) AS s(stream_id)),
            locked AS (SELECT stream_id, version FROM ${this.checkpoints} WHERE queue = $1 AND stream_id = ANY($2) FOR UPDATE)
       SELECT s.stream_id AS "streamId", coalesce(l.version, 0) AS applied,
              EXISTS (SELECT 1 FROM ${this.parked} p WHERE p.queue = $1 AND p.stream_id = s.stream_id) AS parked,
              EXISTS (SELECT 1 FROM ${this.waiting} w WHERE w.queue = $1 AND w.stream_id = s.stream_id) AS waits,
              (SELECT count(*) FROM ${this.inbox} i WHERE i.queue = $1 AND i.message_id = ANY($3::text[]))::int AS known
         FROM streams s LEFT JOIN locked l USING (stream_id)`,
      [queue, admissions.map((a) => a.streamId), messageIds],
    );
    if (rows.some((row) => row.known > 0)) return false;
    const reached = chainsApply(admissions, new Map(rows.map((row) => [row.streamId, row])));
    if (!reached) return false;
    const [{ fresh }]: { fresh: number }[] = await manager.query(
      `WITH fresh AS (
         INSERT INTO ${this.inbox} (queue, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING 1
       ), moved AS (
         INSERT INTO ${this.checkpoints} (queue, stream_id, version) SELECT $1, * FROM unnest($3::text[], $4::int[])
         ON CONFLICT (queue, stream_id) DO UPDATE SET version = excluded.version RETURNING 1
       )
       SELECT (SELECT count(*) FROM fresh)::int AS fresh, (SELECT count(*) FROM moved)::int AS moved`,
      [queue, messageIds, [...reached.keys()], [...reached.values()]],
    );
    // One active consumer per queue: another writer of these rows is a fault; the batch is rolled back and applied one by one.
    if (fresh !== messageIds.length) throw new Error(`${messageIds.length - fresh} of the batch's messages were taken meanwhile`);
    return true;
  }

  /** Takes back the inbox rows of messages admitted but not applied (parked), so a replay of them is fresh. */
  async forget(manager: EntityManager, queue: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await manager.query(`DELETE FROM ${this.inbox} WHERE queue = $1 AND message_id = ANY($2)`, [queue, messageIds]);
  }

  /** Ends the parks of these streams: their blocker has been applied or skipped. */
  async release(manager: EntityManager, queue: string, streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await manager.query(`DELETE FROM ${this.parked} WHERE queue = $1 AND stream_id = ANY($2)`, [queue, streamIds]);
  }

  /** Forgets everything this queue applied, before its read models are rebuilt from history. */
  async reset(manager: EntityManager, queue: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.inbox} WHERE queue = $1`, [queue]);
    await manager.query(`DELETE FROM ${this.checkpoints} WHERE queue = $1`, [queue]);
    await manager.query(`DELETE FROM ${this.parked} WHERE queue = $1`, [queue]);
    await manager.query(`DELETE FROM ${this.waiting} WHERE queue = $1`, [queue]);
  }
}
