/**
 * Per-stream ordering of a consumer's work: work for one stream runs after the earlier work of that
 * stream, work of distinct streams runs side by side, and a barrier (a rebuild) runs after all work
 * in hand and before any that follows. Calls must be made in delivery order, before any await.
 */
export class StreamOrdering {
  private readonly streamChains = new Map<string, Promise<void>>();
  private barrier: Promise<unknown> = Promise.resolve();

  afterStream(streamId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.streamChains.get(streamId) ?? Promise.resolve();
    const next = Promise.all([previous, this.barrier]).then(work, work);
    this.streamChains.set(streamId, next);
    void next.finally(() => this.streamChains.get(streamId) === next && this.streamChains.delete(streamId));
    return next;
  }

  afterEverything(work: () => Promise<void>): Promise<void> {
    const next = Promise.allSettled([...this.streamChains.values(), this.barrier]).then(work);
    this.barrier = next;
    return next;
  }
}
