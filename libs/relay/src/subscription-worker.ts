import { ConfirmPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { rebuildMessage, toOutgoingMessage } from './outbox-message';
import { relayMetrics } from './relay-metrics';
import { CursorPosition, Subscription, SubscriptionStore } from './subscription-store';
import { WakeSignal } from './wake-signal';

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
}

interface InFlightBatch {
  count: number;
  to: CursorPosition;
  confirmed: Promise<void>;
}

/** Capped exponential backoff of a failing destination, for its n-th consecutive failure. */
export const destinationBackoffMs = (failures: number, maxBackoffMs: number): number =>
  Math.min(maxBackoffMs, 100 * 2 ** Math.max(0, failures - 1));

/**
 * Delivers one subscription: read a batch after the cursor, publish it with confirms, then move
 * the cursor. Each destination has its own worker, channel and backoff, so a failing queue never
 * holds back the others. The next batch is read and published while the previous one awaits its
 * confirms, but the cursor only ever moves over confirmed batches, in order.
 */
export class SubscriptionWorker {
  private readonly logger: Logger;
  private running = false;
  private stopped?: Promise<void>;
  private failures = 0;
  private readonly interrupt = new WakeSignal();

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
    this.interrupt.wake();
    await this.stopped;
    await this.publisher.close();
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
        const delay = destinationBackoffMs(this.failures, this.settings.maxBackoffMs);
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
      await this.publisher.publish(this.queue, [rebuildMessage(this.settings.producer, this.queue)]);
      await this.store.clearControl(subscription);
      return 1;
    }
    return this.deliverRun(subscription);
  }

  /**
   * Reads and publishes ahead while fewer than `pipelineDepth × batchSize` messages await their
   * confirms; as batches are confirmed, in order, the cursor follows them in the background, so
   * the next read and publish never wait for a cursor update. A NOTIFY that comes while
   * batches await their confirms is read and published at once rather than after them.
   */
  private async deliverRun(subscription: Subscription): Promise<number> {
    const { batchSize, producer } = this.settings;
    const inFlightLimit = Math.max(1, this.settings.pipelineDepth ?? 2) * batchSize;
    let inFlightMessages = 0;
    const labels = { producer, queue: this.queue };
    let readFrom = subscription;
    let committed = subscription;
    let exhausted = false;
    let readAtGeneration = this.wake.generation;
    let delivered = 0;
    let halt: 'paused' | 'moved-elsewhere' | undefined;
    let cursorFailure: unknown;
    let moving: Promise<void> | undefined;
    let confirmedTo: CursorPosition | undefined;
    let confirmedCount = 0;
    const inFlight: InFlightBatch[] = [];
    const canRead = () => !halt && !cursorFailure && this.running && this.isLeader();
    // One cursor update at a time, always to the latest confirmed batch: a trickle of small
    // batches costs one update per round trip, not one per batch.
    const moveCursors = async () => {
      while (confirmedTo && !halt && !cursorFailure) {
        const to = confirmedTo;
        const count = confirmedCount;
        confirmedTo = undefined;
        confirmedCount = 0;
        try {
          const move = await this.store.moveCursor(committed, to);
          // A rewind or another relay moved the cursor: what is still in flight is dropped, and
          // the next round starts again from the stored cursor.
          if (move === 'moved-elsewhere') {
            halt = move;
            break;
          }
          committed = { ...committed, cursorTransactionId: to.transactionId, cursorPosition: to.position };
          delivered += count;
          relayMetrics.published.inc(labels, count);
          if (move === 'paused') halt = move;
        } catch (error) {
          cursorFailure = error;
        }
      }
    };
    const moveCursorTo = (batch: InFlightBatch) => {
      confirmedTo = batch.to;
      confirmedCount += batch.count;
      moving ??= moveCursors().finally(() => (moving = undefined));
    };
    try {
      for (;;) {
        while (!exhausted && inFlightMessages < inFlightLimit && canRead()) {
          readAtGeneration = this.wake.generation;
          const limit = Math.min(batchSize, inFlightLimit - inFlightMessages);
          const rows = await this.store.readBatch(readFrom, limit);
          exhausted = rows.length < limit;
          if (rows.length === 0) break;
          const last = rows[rows.length - 1];
          const to = { transactionId: last.transaction_id, position: last.global_position };
          readFrom = { ...readFrom, cursorTransactionId: to.transactionId, cursorPosition: to.position };
          const started = process.hrtime.bigint();
          const confirmed = this.publisher
            .publish(this.queue, rows.map((row) => toOutgoingMessage(producer, row)))
            .then(() => relayMetrics.publishSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9));
          // Awaited below in order; a failure of a later batch must not surface as unhandled meanwhile.
          confirmed.catch(() => undefined);
          inFlight.push({ count: rows.length, to, confirmed });
          inFlightMessages += rows.length;
        }
        const head = inFlight[0];
        if (!head || halt || cursorFailure) break;
        if (exhausted && inFlightMessages < inFlightLimit && canRead()) {
          const wake = this.wake.whenWoken(readAtGeneration);
          const outcome = await Promise.race([
            head.confirmed.then(() => 'confirmed', () => 'confirmed'),
            wake.woken.then(() => 'woken'),
          ]);
          wake.cancel();
          if (outcome === 'woken') {
            exhausted = false;
            continue;
          }
        }
        inFlight.shift();
        inFlightMessages -= head.count;
        await head.confirmed;
        // Only after the confirm: a crash before the move re-publishes the batch (at least once).
        moveCursorTo(head);
      }
    } finally {
      while (moving) await moving;
    }
    if (cursorFailure) throw cursorFailure;
    // After a foreign move, look again at once (hence "something happened").
    return halt === 'moved-elsewhere' ? Math.max(delivered, 1) : delivered;
  }
}
