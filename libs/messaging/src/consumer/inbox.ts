import { EntityManager } from 'typeorm';

/** `early`: an earlier event of the stream is still missing, so this one must wait. */
export type InboxVerdict = 'apply' | 'duplicate' | 'early';

/**
 * The consumer side of exactly-once effects: `(queue, message_id)` rows plus the last applied
 * version of each stream, written in the handler's own transaction.
 */
export class Inbox {
  private readonly inbox: string;
  private readonly checkpoints: string;

  constructor(schema: string) {
    this.inbox = `"${schema}".inbox`;
    this.checkpoints = `"${schema}".stream_checkpoints`;
  }

  /**
   * Records the message and checks its place in the stream. `previousVersion` is the version of
   * the stream's previous event sent to this queue; if that one has not been applied yet, the
   * message is early and must wait.
   */
  async admit(
    manager: EntityManager,
    queue: string,
    messageId: string,
    streamId: string,
    streamVersion: number,
    previousVersion: number,
  ): Promise<{ verdict: InboxVerdict; appliedVersion: number }> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${this.inbox} (queue, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [queue, messageId],
    );
    if (inserted.length === 0) return { verdict: 'duplicate', appliedVersion: streamVersion };
    const rows: { version: number }[] = await manager.query(
      `SELECT version FROM ${this.checkpoints} WHERE queue = $1 AND stream_id = $2 FOR UPDATE`,
      [queue, streamId],
    );
    const appliedVersion = rows[0]?.version ?? 0;
    if (streamVersion <= appliedVersion) return { verdict: 'duplicate', appliedVersion };
    return { verdict: previousVersion > appliedVersion ? 'early' : 'apply', appliedVersion };
  }

  /** Moves the stream's checkpoint to the version just applied. */
  async advance(manager: EntityManager, queue: string, streamId: string, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.checkpoints} (queue, stream_id, version) VALUES ($1, $2, $3)
       ON CONFLICT (queue, stream_id) DO UPDATE SET version = excluded.version`,
      [queue, streamId, version],
    );
  }

  /** Forgets everything this queue applied, before its read models are rebuilt from history. */
  async reset(manager: EntityManager, queue: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.inbox} WHERE queue = $1`, [queue]);
    await manager.query(`DELETE FROM ${this.checkpoints} WHERE queue = $1`, [queue]);
  }
}
