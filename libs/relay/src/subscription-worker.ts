import { backoffMs } from '@app/async';
import { ConfirmPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { BatchTrace, DeliveryRun } from './delivery-run';
import { rebuildMessage } from './outbox-message';
import { relayMetrics } from './relay-metrics';
import { Subscription, SubscriptionStore } from './subscription-store';
import { TokenBucket } from './token-bucket';
import { WakeSignal } from '@app/async';

export interface WorkerSettings {
  producer: string;
  batchSize: number;
  pollIntervalMs: number;
  maxBackoffMs: number;
  /**
   * How many batches' worth of messages may await their confirms at once (1 = no pipelining). The
   * bound is in messages, so a trickle of small batches is published at once rather than queued.
   */
  pipelineDepth?: number;
  /** See DeliveryRunContext.trace. */
  trace?(batch: BatchTrace): void;
  /** Changes whenever an operator changed a subscription in this process (a run then ends at its next idle moment). */
  changeGeneration?(): number;
}

/**
 * A backfill keeps a quarter second of its pace awaiting confirms, in two batches: enough to hold
 * its pace while confirms take a few hundred milliseconds (one batch of 100 held a 2,500/s backfill
 * to 1,400/s), and little enough that a live event of another subscription of this relay, whose
 * frames the broker takes after every backfill message already sent on the connection, does not
 * wait long (ops-new-consumer.e2e-spec: with two batches of 500 in flight, other consumers'
 * deliveries went from a p95 of 14 ms to 1,473 ms during a backfill).
 */
const backfillDelivery = (ratePerSecond: number): Partial<WorkerSettings> => ({
  batchSize: Math.max(25, Math.min(250, Math.ceil(ratePerSecond / 8))),
  pipelineDepth: 2,
});

/** Whether the subscription is still paced: it has a rate and its cursor is short of the head it was registered at. */
const backfilling = (subscription: Subscription): boolean =>
  Boolean(subscription.backfillRatePerSecond) &&
  subscription.backfillUntilPosition !== null &&
  BigInt(subscription.cursorPosition) < BigInt(subscription.backfillUntilPosition);

/**
 * Delivers one subscription: read a batch after the cursor, publish it with confirms, then move
 * the cursor (DeliveryRun). Each destination has its own worker, channel and backoff, so a failing
 * queue never holds back the others.
 */
export class SubscriptionWorker {
  private readonly logger: Logger;
  private running = false;
  private stopped?: Promise<void>;
  private failures = 0;
  private readonly interrupt = new WakeSignal();
  /** This subscription's own backfill pace: no other destination shares it. */
  private backfillBucket?: TokenBucket;

  constructor(
    private readonly queue: string,
    private readonly store: SubscriptionStore,
    /** `backfill`, when given, carries this subscription's runs that start while it backfills at a pace. */
    private readonly publishers: { live: ConfirmPublisher; backfill?: ConfirmPublisher },
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
    this.interrupt.wake();
    await this.stopped;
    await this.publishers.live.close();
    await this.publishers.backfill?.close();
  }

  /** Cuts a backoff short, e.g. after the broker connection came back. */
  retryNow(): void {
    this.interrupt.wake();
  }

  private async loop(): Promise<void> {
    const quickLookMs = 5;
    let idleWait = quickLookMs;
    while (this.running) {
      const seen = this.wake.generation;
      if (!this.isLeader()) {
        await this.wake.wait(this.settings.pollIntervalMs, seen);
        continue;
      }
      try {
        const delivered = await this.deliver();
        this.failures = 0;
        if (delivered > 0) {
          idleWait = quickLookMs;
          continue;
        }
        // Nothing readable yet. After a NOTIFY an older transaction may still hold the commit
        // frontier, and it may commit without notifying us: look again soon, then less often.
        const woken = await this.wake.wait(idleWait, seen);
        idleWait = woken ? quickLookMs : Math.min(idleWait * 2, this.settings.pollIntervalMs);
      } catch (error) {
        this.failures++;
        const delay = backoffMs(this.failures, { baseMs: 100, capMs: this.settings.maxBackoffMs });
        relayMetrics.failures.inc({ producer: this.settings.producer, queue: this.queue });
        this.logger.warn(`delivery failed (${(error as Error).message}); retrying in ${delay} ms`);
        // Not `this.wake`: new events must not cut a failing destination's backoff short.
        await this.interrupt.wait(delay);
      }
    }
  }

  /** Delivers until the subscription has nothing readable left; returns how many events were confirmed. */
  private async deliver(): Promise<number> {
    const subscription = await this.store.get(this.queue);
    if (!subscription || subscription.status === 'paused') return 0;
    if (subscription.pendingControl) {
      await this.publishers.live.publish(this.queue, [rebuildMessage(this.settings.producer, this.queue)]);
      await this.store.clearControl(subscription);
      return 1;
    }
    const changes = this.settings.changeGeneration?.();
    const paced = backfilling(subscription);
    // Chosen per run: a run that ends normally has had all it published confirmed, so the next
    // run, on the other connection once the backfill is over, does not overtake it.
    const publisher = (paced && this.publishers.backfill) || this.publishers.live;
    const run = new DeliveryRun(
      {
        ...this.settings,
        ...(paced ? backfillDelivery(subscription.backfillRatePerSecond!) : {}),
        queue: this.queue,
        store: this.store,
        publisher,
        wake: this.wake,
        mayRead: () => this.running && this.isLeader(),
        unchanged: () => this.settings.changeGeneration?.() === changes,
        pace: (wanted, from) => this.paceBackfill(wanted, from),
      },
      subscription,
    );
    return run.run();
  }

  /**
   * Holds the backfill of a subscription registered with a rate to that rate, up to the head at
   * its registration; the events after it, and every other subscription, are not paced.
   */
  private async paceBackfill(wanted: number, from: Subscription): Promise<number> {
    const rate = from.backfillRatePerSecond;
    if (!rate || !backfilling(from)) return wanted;
    if (this.backfillBucket?.ratePerSecond !== rate) this.backfillBucket = new TokenBucket(rate, Math.max(1, Math.ceil(rate / 4)));
    while (this.running && this.isLeader()) {
      const grant = this.backfillBucket.take(wanted, Date.now());
      if (grant.granted > 0) return grant.granted;
      await this.interrupt.wait(grant.waitMs);
    }
    return 0;
  }
}
