import { ConfirmPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { rebuildMessage, toOutgoingMessage } from './outbox-message';
import { relayMetrics } from './relay-metrics';
import { SubscriptionStore } from './subscription-store';
import { WakeSignal } from './wake-signal';

export interface WorkerSettings {
  producer: string;
  batchSize: number;
  pollIntervalMs: number;
  maxBackoffMs: number;
}

/**
 * Delivers one subscription: read a batch after the cursor, publish it with confirms, then move
 * the cursor. Each destination has its own worker, channel and backoff, so a failing queue never
 * holds back the others.
 */
export class SubscriptionWorker {
  private readonly logger: Logger;
  private running = false;
  private stopped?: Promise<void>;
  private failures = 0;
  private readonly stopSignal = new WakeSignal();

  constructor(
    private readonly queue: string,
    private readonly store: SubscriptionStore,
    private readonly publisher: ConfirmPublisher,
    private readonly wake: WakeSignal,
    private readonly isLeader: () => boolean,
    private readonly settings: WorkerSettings,
  ) {
    this.logger = new Logger(`Relay:${queue}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake.wake();
    this.stopSignal.wake();
    await this.stopped;
    await this.publisher.close();
  }

  private async loop(): Promise<void> {
    const quickLookMs = 5;
    let idleWait = quickLookMs;
    while (this.running) {
      if (!this.isLeader()) {
        await this.wake.wait(this.settings.pollIntervalMs);
        continue;
      }
      try {
        const delivered = await this.deliverBatch();
        this.failures = 0;
        if (delivered > 0) {
          idleWait = quickLookMs;
          continue;
        }
        // Nothing readable yet. After a NOTIFY an older transaction may still hold the commit
        // frontier, and it may commit without notifying us: look again soon, then less often.
        const woken = await this.wake.wait(idleWait);
        idleWait = woken ? quickLookMs : Math.min(idleWait * 2, this.settings.pollIntervalMs);
      } catch (error) {
        this.failures++;
        const delay = Math.min(this.settings.maxBackoffMs, 100 * 2 ** (this.failures - 1));
        relayMetrics.failures.inc({ producer: this.settings.producer, queue: this.queue });
        this.logger.warn(`delivery failed (${(error as Error).message}); retrying in ${delay} ms`);
        // Not `this.wake`: new events must not cut a failing destination's backoff short.
        await this.stopSignal.wait(delay);
      }
    }
  }

  /** Returns how many events were delivered. */
  private async deliverBatch(): Promise<number> {
    const subscription = await this.store.get(this.queue);
    if (!subscription || subscription.status === 'paused') return 0;
    if (subscription.pendingControl) {
      await this.publisher.publish(this.queue, [rebuildMessage(this.settings.producer, this.queue)]);
      await this.store.clearControl(subscription);
      return this.settings.batchSize;
    }
    const rows = await this.store.readBatch(subscription, this.settings.batchSize);
    if (rows.length === 0) return 0;
    const started = process.hrtime.bigint();
    await this.publisher.publish(this.queue, rows.map((row) => toOutgoingMessage(this.settings.producer, row)));
    const labels = { producer: this.settings.producer, queue: this.queue };
    relayMetrics.publishSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    const last = rows[rows.length - 1];
    // Only after the confirm: a crash before this line re-publishes the batch (at least once).
    await this.store.advance(subscription, { transactionId: last.transaction_id, position: last.global_position });
    relayMetrics.published.inc(labels, rows.length);
    return rows.length;
  }
}
