import { Logger } from '@nestjs/common';
import { SubscriptionStore } from './subscription-store';
import { SubscriptionWorker } from './subscription-worker';

/**
 * One worker per subscription row: the routing table's, and those operators register at run time.
 * `sync` starts a worker for every row without one and stops those whose row is gone, so a
 * subscription added or removed while the relay runs is picked up without a restart.
 */
export class SubscriptionWorkers {
  private readonly workers = new Map<string, SubscriptionWorker>();
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: SubscriptionStore,
    private readonly newWorker: (queue: string) => SubscriptionWorker,
    private readonly onRemoved: (queue: string) => void,
    private readonly logger: Logger,
  ) {}

  get queues(): string[] {
    return [...this.workers.keys()];
  }

  /** Brings the workers in line with the table; runs one at a time, and never fails (it logs and tries again next time). */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      if (this.closed) return;
      try {
        const names = new Set(await this.store.names());
        for (const name of names) {
          if (this.workers.has(name)) continue;
          const worker = this.newWorker(name);
          this.workers.set(name, worker);
          worker.start();
        }
        for (const [name, worker] of this.workers) {
          if (names.has(name)) continue;
          this.workers.delete(name);
          this.onRemoved(name);
          await worker.stop();
        }
      } catch (error) {
        this.logger.warn(`could not load the subscriptions: ${(error as Error).message}`);
      }
    });
    return this.syncing;
  }

  /** Cuts every backoff short. */
  retryNow(): void {
    this.workers.forEach((worker) => worker.retryNow());
  }

  /** Stops every worker, letting batches in flight finish; no sync starts one again. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.syncing;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
  }
}
