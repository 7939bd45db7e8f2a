/**
 * The order a consumer takes its work in: deliveries in delivery order, without waiting for each
 * other (the apply loop keeps each stream's events in that order, several of them in one
 * transaction), and a barrier (a rebuild) that runs after all work in hand and before any that
 * follows. Calls must be made in delivery order, before any await.
 */
export class StreamOrdering {
  private barrier: Promise<unknown> = Promise.resolve();
  private readonly inHand = new Set<Promise<unknown>>();

  /** Runs `work` once the barriers before it have passed, after the work handed over before it started. */
  inDeliveryOrder(work: () => Promise<void>): Promise<void> {
    return this.track(this.barrier.then(work, work));
  }

  afterEverything(work: () => Promise<void>): Promise<void> {
    const next = Promise.allSettled([...this.inHand, this.barrier]).then(work);
    this.barrier = next;
    return this.track(next);
  }

  private track(task: Promise<void>): Promise<void> {
    this.inHand.add(task);
    const forget = () => this.inHand.delete(task);
    task.then(forget, forget);
    return task;
  }
}
