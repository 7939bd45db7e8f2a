import { ConfirmPublisher } from '@app/messaging';
import { tracingEnabled } from '@app/tracing';
import { toOutgoingMessages } from './outbox-message';
import { relayMetrics } from './relay-metrics';
import { tracePublishes } from './traced-publish';
import { CursorPosition, Subscription, SubscriptionStore } from './subscription-store';
import { WakeSignal } from '@app/async';

export interface DeliveryRunContext {
  queue: string;
  producer: string;
  batchSize: number;
  /** How many batches' worth of messages may await their confirms at once (1 = no pipelining). */
  pipelineDepth?: number;
  store: SubscriptionStore;
  publisher: ConfirmPublisher;
  wake: WakeSignal;
  /** False once the worker stops or loses the leadership: nothing more is read. */
  mayRead(): boolean;
  /** False once an operator changed a subscription since the run began: it no longer idles for commits. */
  unchanged?(): boolean;
  /** Paces reads: answers how many of `wanted` events may be read after `from` now (0: stop reading). */
  pace?(wanted: number, from: Subscription): Promise<number>;
  /** Told each batch's stage times once it is confirmed (benchmarks' latency breakdown); costs nothing when absent. */
  trace?(batch: BatchTrace): void;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of one machine. */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();

/** One batch's way through the relay: after which cursor it was read, up to which event, and when each stage ended. */
export interface BatchTrace {
  queue: string;
  after: CursorPosition;
  to: CursorPosition;
  count: number;
  readStartedAt: number;
  readAt: number;
  publishedAt: number;
  confirmedAt: number;
}

/** The first look after a quiet wait, doubling while nothing comes; past IDLE_RUN_MS the run ends (the worker waits on). */
const QUICK_LOOK_MS = 5;
const IDLE_RUN_MS = 160;

interface InFlightBatch {
  count: number;
  to: CursorPosition;
  confirmed: Promise<void>;
}

/**
 * One run of a subscription's delivery, until nothing is readable: reads and publishes ahead while
 * fewer than `pipelineDepth × batchSize` messages await their confirms; as batches are confirmed,
 * in order, the cursor follows them in the background, so the next read and publish never wait for
 * a cursor update. A NOTIFY that comes while batches await their confirms is read and published at
 * once rather than after them, and one that came before the last confirm keeps the run going.
 */
export class DeliveryRun {
  private readonly inFlightLimit: number;
  private readonly labels: { producer: string; queue: string };
  private readonly inFlight: InFlightBatch[] = [];
  private inFlightMessages = 0;
  private readFrom: Subscription;
  private committed: Subscription;
  private exhausted = false;
  private readAtGeneration: number;
  private delivered = 0;
  private halt?: 'paused' | 'moved-elsewhere';
  private cursorFailure: unknown;
  private moving?: Promise<void>;
  private confirmedTo?: CursorPosition;
  private confirmedCount = 0;
  private idleWaitMs = QUICK_LOOK_MS;

  constructor(
    private readonly context: DeliveryRunContext,
    subscription: Subscription,
  ) {
    this.inFlightLimit = Math.max(1, context.pipelineDepth ?? 2) * context.batchSize;
    this.labels = { producer: context.producer, queue: context.queue };
    this.readFrom = subscription;
    this.committed = subscription;
    this.readAtGeneration = context.wake.generation;
  }

  /** Runs until nothing is readable; answers how many events were confirmed (at least 1 after a foreign cursor move). */
  async run(): Promise<number> {
    try {
      for (;;) {
        // Woken since the last read: read on in this run rather than end it, wait for its last
        // cursor move and load the subscription again first (three round trips on the latency path).
        if (this.exhausted && this.context.wake.generation !== this.readAtGeneration) this.exhausted = false;
        await this.readAhead();
        const head = this.inFlight[0];
        if (!head && (await this.idleLook())) continue;
        if (!head || this.halt || this.cursorFailure) break;
        if (await this.wokenBeforeConfirm(head)) continue;
        this.inFlight.shift();
        this.inFlightMessages -= head.count;
        await head.confirmed;
        // Only after the confirm: a crash before the move re-publishes the batch (at least once).
        this.moveCursorTo(head);
      }
    } finally {
      while (this.moving) await this.moving;
    }
    if (this.cursorFailure) throw this.cursorFailure;
    // After a foreign move, look again at once (hence "something happened").
    return this.halt === 'moved-elsewhere' ? Math.max(this.delivered, 1) : this.delivered;
  }

  /**
   * Read out, nothing awaiting its confirm: waits for a wake-up, looking again now and then, before
   * the run ends. Ending costs the next commit two round trips before its read (this run's last
   * cursor move, then loading the subscription again), which under a steady load put every pause
   * between commits on the latency path. A look after a quiet wait catches a transaction that held
   * the frontier and committed without a NOTIFY. A rewind, pause or control message still ends the
   * run at its next cursor move, whose compare-and-set fails.
   */
  private async idleLook(): Promise<boolean> {
    const unchanged = () => this.context.unchanged?.() ?? true;
    if (!this.exhausted || this.halt || this.cursorFailure || !this.canRead() || !unchanged() || this.idleWaitMs > IDLE_RUN_MS)
      return false;
    const woken = await this.context.wake.wait(this.idleWaitMs, this.readAtGeneration);
    this.idleWaitMs = woken ? QUICK_LOOK_MS : this.idleWaitMs * 2;
    this.exhausted = false;
    return this.canRead() && unchanged();
  }

  private canRead(): boolean {
    return !this.halt && !this.cursorFailure && this.context.mayRead();
  }

  private hasRoom(): boolean {
    return this.inFlightMessages < this.inFlightLimit;
  }

  /** Reads and publishes batches while the pipeline has room and the table has rows. */
  private async readAhead(): Promise<void> {
    const { batchSize, producer, queue, store, publisher, wake } = this.context;
    while (!this.exhausted && this.hasRoom() && this.canRead()) {
      this.readAtGeneration = wake.generation;
      let limit = Math.min(batchSize, this.inFlightLimit - this.inFlightMessages);
      if (this.context.pace) limit = await this.context.pace(limit, this.readFrom);
      if (limit === 0) break;
      const readStartedAt = this.context.trace ? wallClockMs() : 0;
      const after = { transactionId: this.readFrom.cursorTransactionId, position: this.readFrom.cursorPosition };
      const rows = await store.readBatch(this.readFrom, limit);
      const readAt = this.context.trace ? wallClockMs() : 0;
      // A read held up by a silent network can come back after this relay stepped down and a
      // standby delivered the same rows: publishing them now would only duplicate them.
      if (!this.canRead()) break;
      this.exhausted = rows.length < limit;
      if (rows.length === 0) break;
      this.idleWaitMs = QUICK_LOOK_MS;
      const last = rows[rows.length - 1];
      const to = { transactionId: last.transaction_id, position: last.global_position };
      this.readFrom = { ...this.readFrom, cursorTransactionId: to.transactionId, cursorPosition: to.position };
      const started = process.hrtime.bigint();
      const messages = toOutgoingMessages(producer, rows);
      const traced = tracingEnabled() ? tracePublishes(queue, rows, messages) : undefined;
      const confirmed = publisher
        .publish(queue, traced?.messages ?? messages)
        .then(() => relayMetrics.publishSeconds.observe(this.labels, Number(process.hrtime.bigint() - started) / 1e9));
      const trace = this.context.trace;
      if (trace) {
        const publishedAt = wallClockMs();
        void confirmed.then(
          () => trace({ queue, after, to, count: rows.length, readStartedAt, readAt, publishedAt, confirmedAt: wallClockMs() }),
          () => undefined,
        );
      }
      if (traced)
        confirmed.then(
          () => traced.end(),
          (error: unknown) => traced.end(error),
        );
      // Awaited in order by `run`; a failure of a later batch must not surface as unhandled meanwhile.
      confirmed.catch(() => undefined);
      this.inFlight.push({ count: rows.length, to, confirmed });
      this.inFlightMessages += rows.length;
    }
  }

  /** With room in the pipeline and the table read out, a wake-up before the head's confirm means: read again now. */
  private async wokenBeforeConfirm(head: InFlightBatch): Promise<boolean> {
    if (!this.exhausted || !this.hasRoom() || !this.canRead()) return false;
    const wake = this.context.wake.whenWoken(this.readAtGeneration);
    const outcome = await Promise.race([
      head.confirmed.then(
        () => 'confirmed',
        () => 'confirmed',
      ),
      wake.woken.then(() => 'woken'),
    ]);
    wake.cancel();
    if (outcome !== 'woken') return false;
    this.exhausted = false;
    return true;
  }

  private moveCursorTo(batch: InFlightBatch): void {
    this.confirmedTo = batch.to;
    this.confirmedCount += batch.count;
    this.moving ??= this.moveCursors().finally(() => (this.moving = undefined));
  }

  /**
   * One cursor update at a time, always to the latest confirmed batch: a trickle of small batches
   * costs one update per round trip, not one per batch.
   */
  private async moveCursors(): Promise<void> {
    while (this.confirmedTo && !this.halt && !this.cursorFailure) {
      const to = this.confirmedTo;
      const count = this.confirmedCount;
      this.confirmedTo = undefined;
      this.confirmedCount = 0;
      try {
        const move = await this.context.store.moveCursor(this.committed, to);
        // A rewind or another relay moved the cursor: what is still in flight is dropped, and
        // the next round starts again from the stored cursor.
        if (move === 'moved-elsewhere') {
          this.halt = move;
          break;
        }
        this.committed = { ...this.committed, cursorTransactionId: to.transactionId, cursorPosition: to.position };
        this.delivered += count;
        relayMetrics.published.inc(this.labels, count);
        if (move === 'paused') this.halt = move;
      } catch (error) {
        this.cursorFailure = error;
      }
    }
  }
}
