import { EntityManager } from 'typeorm';
import { CachedState } from './state-cache';

/** How an aggregate's state is turned into JSON and back for snapshots. */
export interface SnapshotPolicy<State> {
  /** Take a snapshot whenever the stream crosses a multiple of this many events. */
  every: number;
  serialize(state: State): unknown;
  deserialize(json: unknown): State;
}

/** Reads and writes the latest snapshot of a stream, so a cold load never replays all history. */
export class SnapshotStore<State> {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly policy: SnapshotPolicy<State>,
  ) {
    this.table = `"${schema}".snapshots`;
  }

  async load(manager: EntityManager, streamId: string): Promise<CachedState<State> | undefined> {
    const rows: { version: number; state: unknown }[] = await manager.query(
      `SELECT version, state FROM ${this.table} WHERE stream_id = $1`,
      [streamId],
    );
    return rows[0] && { version: rows[0].version, state: this.policy.deserialize(rows[0].state) };
  }

  /** Whether moving a stream from `fromVersion` to `toVersion` crosses a snapshot boundary. */
  isDue(fromVersion: number, toVersion: number): boolean {
    return Math.floor(toVersion / this.policy.every) !== Math.floor(fromVersion / this.policy.every);
  }

  async save(manager: EntityManager, streamId: string, latest: CachedState<State>): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (stream_id, version, state) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, state = excluded.state, taken_at = now()
       WHERE ${this.table}.version < excluded.version`,
      [streamId, latest.version, JSON.stringify(this.policy.serialize(latest.state))],
    );
  }
}
