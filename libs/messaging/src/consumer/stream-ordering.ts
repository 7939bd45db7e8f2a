import { KeyedSerialQueue } from '@app/async';

/**
 * Per-stream ordering of a consumer's work: work for one stream runs after the earlier work of that
 * stream, work of distinct streams runs side by side, and a barrier (a rebuild) runs after all work
 * in hand and before any that follows. Calls must be made in delivery order, before any await.
 */
export class StreamOrdering {
  private readonly streams = new KeyedSerialQueue();
  private barrier: Promise<unknown> = Promise.resolve();

  afterStream(streamId: string, work: () => Promise<void>): Promise<void> {
    const barrier = this.barrier;
    return this.streams.run(streamId, () => barrier.then(work, work));
  }

  afterEverything(work: () => Promise<void>): Promise<void> {
    const next = Promise.allSettled([this.streams.settled(), this.barrier]).then(work);
    this.barrier = next;
    return next;
  }
}
