import { eventsChannel } from './event-store.migration';

/** A TypeORM DataSource or a `pg` Pool. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * Wakes the schema's relay after an append has committed: directly when it leads in this process
 * and was handed this same signal (one per service, shared by its command paths and its relay),
 * else through PostgreSQL.
 *
 * A NOTIFY inside the appending transaction would take PostgreSQL's cluster-wide notify lock at
 * commit and hold it through the WAL flush, serialising every append (README, "Measured choices",
 * and bench:account). So the signal is sent after
 * commit, in a transaction of its own that need not wait for the disk (a lost NOTIFY only means
 * the relay's fallback poll finds the events), and at most one is in flight per process: appends
 * that commit meanwhile are covered by one more signal once it returns.
 */
export class CommitSignal {
  private readonly channel: string;
  private readonly localWakes = new Set<() => void>();
  private sending = false;
  private again = false;

  constructor(
    private readonly db: Queryable,
    /** The service's schema, whose event table its command paths append to. */
    readonly schema: string,
  ) {
    this.channel = eventsChannel(schema);
  }

  /**
   * A relay calls this while it leads delivery in this process: appends signalled here then wake it
   * directly instead of through a NOTIFY round trip. Returns the call that ends it.
   */
  wakeOnLocalCommits(wake: () => void): () => void {
    this.localWakes.add(wake);
    return () => this.localWakes.delete(wake);
  }

  /** Call once the appending transaction has committed. Never throws and never waits. */
  committed(): void {
    if (this.localWakes.size > 0) {
      this.localWakes.forEach((wake) => wake());
      return;
    }
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      await this.db.query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`, [this.channel]).catch(() => undefined); // the relay's poll is the fallback
    } while (this.again);
    this.sending = false;
  }
}
