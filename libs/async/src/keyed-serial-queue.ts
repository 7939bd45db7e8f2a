const ignore = (): void => undefined;

/**
 * Runs work one at a time per key, in call order, while distinct keys run side by side. A failing
 * piece of work does not stop the ones after it. A key's entry is released as soon as its last work
 * settles, so memory is bounded by the keys with work in hand, not by every key ever seen.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after every earlier call for `key` has settled; answers what `work` answers. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
    return result;
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Settles once every piece of work queued so far has settled. */
  settled(): Promise<void> {
    return Promise.all(this.tails.values()).then(ignore);
  }
}
