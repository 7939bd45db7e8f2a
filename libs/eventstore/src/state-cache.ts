/** A stream's state as last seen by this process, tagged with the version it reflects. */
export interface CachedState<State> {
  state: State;
  version: number;
}

/**
 * A small LRU of aggregate states. It is only a hint: every append still states the version it
 * decided on, so a stale entry costs a retry, never a wrong decision.
 */
export class StateCache<State> {
  private readonly entries = new Map<string, CachedState<State>>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): CachedState<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: CachedState<State>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }
}
