import { eventsChannel } from './event-store.migration';

/** A TypeORM DataSource or a `pg` Pool. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** The wake-ups of relays in this process that currently lead delivery, by their schema's channel. */
const leadingRelays = new Map<string, Set<() => void>>();

/**
 * A relay calls this while it leads delivery for `schema`: appends committed in this process then
 * wake it directly instead of through a NOTIFY round trip. Returns the call that ends it.
 * (A process serves one database, so the schema names the event table.)
 */
export function wakeOnLocalCommits(schema: string, wake: () => void): () => void {
  const channel = eventsChannel(schema);
  const wakes = leadingRelays.get(channel) ?? new Set();
  leadingRelays.set(channel, wakes.add(wake));
  return () => {
    wakes.delete(wake);
    if (wakes.size === 0 && leadingRelays.get(channel) === wakes) leadingRelays.delete(channel);
  };
}

/**
 * Wakes the schema's relay after an append has committed: directly when it leads in this process,
 * else through PostgreSQL.
 *
 * A NOTIFY inside the appending transaction would take PostgreSQL's cluster-wide notify lock at
 * commit and hold it through the WAL flush, serialising every append (bench:account: 4,900
 * instead of 14,500 single-event transactions/s from 16 writers). So the signal is sent after
 * commit, in a transaction of its own that need not wait for the disk (a lost NOTIFY only means
 * the relay's fallback poll finds the events), and at most one is in flight per process: appends
 * that commit meanwhile are covered by one more signal once it returns.
 */
export class CommitSignal {
  private readonly channel: string;
  private sending = false;
  private again = false;

  constructor(private readonly db: Queryable, schema: string) {
    this.channel = eventsChannel(schema);
  }

  /** Call once the appending transaction has committed. Never throws and never waits. */
  committed(): void {
    const local = leadingRelays.get(this.channel);
    if (local) {
      local.forEach((wake) => wake());
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
      await this.db
        .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`, [this.channel])
        .catch(() => undefined); // the relay's poll is the fallback
    } while (this.again);
    this.sending = false;
  }
}
