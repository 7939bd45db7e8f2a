import { ControlTypes, EventEnvelope, Headers, parseQueueName } from '@app/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { DataSource, EntityManager } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { declareQueues } from '../topology';
import { observeApplied } from './applied-latency';
import { ChannelSubscription, ackAfterCommit } from './channel-subscription';
import { parseEnvelope } from './envelope-parser';
import { FailureRouter } from './failure-router';
import { Admission, Inbox } from './inbox';
import { InfrastructureOutage } from './infrastructure-outage';
import { isInfrastructureFailure } from './message-failure';
import { StreamOrdering } from './stream-ordering';
import { BatchPlace, appendsEndingInBatch, streamLayers } from './batch-layers';
import { StreamParking } from './stream-parking';
import { WaitingEvent, WaitingEvents, asMessage } from './waiting-events';
import { waitingMetrics } from './waiting-metrics';
import { endsAppend, gapTimedOut, gapTimeoutFromEnv, inLayers, missingVersion, readyRun } from './waiting-events.rules';

/** What a handler sees besides the event: its queue and the transaction its effects belong to. */
export interface Delivery {
  queue: string;
  manager: EntityManager;
  message: ConsumeMessage;
  attempt: number;
}

/** Runs the handler for an event; answers whether this consumer has a handler for it at all. */
export type EventDispatcher = (envelope: EventEnvelope, delivery: Delivery) => Promise<'handled' | 'unhandled'>;

/** An event admitted to a batch, with the delivery it came in. */
export interface DeliveredEvent {
  envelope: EventEnvelope;
  delivery: Delivery;
}

/**
 * Runs the handlers for a batch's admitted events, in delivery order and in the batch's transaction.
 * One call holds at most one event per stream (a transaction may make several calls).
 */
export type BatchDispatcher = (events: readonly DeliveredEvent[]) => Promise<void>;

export interface QueueConsumerOptions {
  queue: string;
  connection: AmqpConnection;
  dataSource: DataSource;
  /** The schema holding this service's inbox and stream checkpoints. */
  schema: string;
  dispatch: EventDispatcher;
  /** Takes a batch's events at once, so that handlers may apply several in one statement; else each goes to `dispatch`. */
  dispatchBatch?: BatchDispatcher;
  prefetch?: number;
  /** Attempts before a transiently failing message is dead-lettered. */
  maxAttempts?: number;
  /** How long events may wait behind a gap before it is reported as GAP_TIMEOUT (default: CONSUMER_GAP_TIMEOUT_MS, else 5 min). */
  gapTimeoutMs?: number;
}

/** A handler failed on an event applied from `waiting_events`: it, not the batch's own events, is to blame. */
class WaitingEventFailure extends Error {
  constructor(
    readonly event: WaitingEvent | undefined,
    readonly envelope: EventEnvelope | undefined,
    override readonly cause: unknown,
  ) {
    super(`an event applied after its gap closed failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/**
 * Unacknowledged deliveries in hand: a hot stream's batch is as large as what arrived while the
 * one before it was applied, so a small window starves the consumer between batches.
 */
const DEFAULT_PREFETCH = 256;

/** Waiting events looked at per statement while a closed gap is drained. */
const DRAIN_CHUNK = 500;

/** A delivered event waiting for its turn in a batch. */
interface Arrival {
  channel: Channel;
  message: ConsumeMessage;
  envelope: EventEnvelope;
  admission: Admission;
  settled(): void;
  /** Its move to the DLQ behind its stream's blocker, when the stream is parked. */
  parking?: Promise<void>;
}

/**
 * How a batch ended: applied (each event applied, waiting, parked or routed), or held up by an outage, with the
 * arrivals it left unsettled (the whole batch unless said): those settled before it must not be applied again.
 */
type BatchOutcome = 'applied' | { infrastructure: unknown; unsettled?: Arrival[] };

/** Which event's handler threw, when the handlers are called one event at a time. */
interface FailingEvent {
  event?: DeliveredEvent;
}

/** A parked event settles once it is in the DLQ; the batches that follow need not wait for it. */
const settle = (arrival: Arrival): void => (arrival.parking ? void arrival.parking.finally(arrival.settled) : arrival.settled());

/**
 * Consumes one queue: each event's effects and its inbox row commit in one transaction, and the ack
 * follows the commit. The channel (ChannelSubscription), the per-stream order (StreamOrdering) and
 * the routing of failures to `<queue>.retry.<tier>` or `<queue>.dlq` (FailureRouter) live beside it.
 *
 * Events that arrive while a transaction is running are applied together in the next one (group
 * commit), several events of one stream included (one inbox statement per layer of one event per
 * stream, which also moves the stream checkpoints), instead of a transaction of six round trips each;
 * `dispatchBatch` hands the lot to the handlers at once, so that a handler taking batches writes them
 * in one statement too. An append whose events are all in the batch is applied there, whole, without
 * waiting in `waiting_events`. The acks follow the commit as one `multiple` ack (AckWindow). A
 * batch that fails is rolled back and applied again in parts (the events before the one whose handler
 * threw, that one charged its attempt, the rest; or halves), so a failure is classified for, and only
 * costs, the event that caused it, as if it had been applied alone. A failure of a
 * server the consumer needs (InfrastructureOutage) costs no event anything: the batch is held, in
 * order, and tried again after a backoff.
 *
 * An event that arrives before its predecessor, or before the rest of its append (one producer
 * transaction), is no failure: it waits in `waiting_events` (WaitingEvents), acknowledged, and the
 * transaction that applies its predecessor applies it too, in version order, whole appends only,
 * so a read model never shows part of a command. A gap that outlives `gapTimeoutMs` is reported
 * as a GAP_TIMEOUT dead letter naming the missing version.
 */
export class QueueConsumer {
  private readonly logger: Logger;
  private readonly producer: string;
  private readonly inbox: Inbox;
  private readonly subscription: ChannelSubscription;
  private readonly ordering = new StreamOrdering();
  private readonly failures: FailureRouter;
  private readonly parking: StreamParking;
  private readonly outage: InfrastructureOutage;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: Arrival[] = [];
  private readonly waitingEvents: WaitingEvents;
  /** Streams whose closed gap is to be drained on its own, after their batch committed without it. */
  private readonly pendingDrains = new Set<string>();
  private readonly gapTimeoutMs: number;
  private readonly maxBatch: number;
  private sweepTimer?: NodeJS.Timeout;
  private applying = false;
  /** The apply loop while it runs. */
  private loop: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: QueueConsumerOptions) {
    this.logger = new Logger(`Consumer:${options.queue}`);
    this.producer = parseQueueName(options.queue)?.producer ?? 'unknown';
    this.inbox = new Inbox(options.schema);
    this.outage = new InfrastructureOutage(this.logger);
    this.failures = new FailureRouter({ ...options, logger: this.logger });
    this.parking = new StreamParking(options.dataSource, options.schema);
    this.waitingEvents = new WaitingEvents(options.schema);
    this.gapTimeoutMs = options.gapTimeoutMs ?? gapTimeoutFromEnv();
    const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    this.maxBatch = Math.max(1, Math.floor(prefetch / 2));
    this.subscription = new ChannelSubscription({
      connection: options.connection,
      logger: this.logger,
      queues: [options.queue],
      prefetch,
      declare: (connection) => declareQueues(connection, [options.queue]),
      receive: (channel, _queue, message) => this.receive(channel, message),
    });
  }

  start(): Promise<void> {
    this.stopping = false;
    this.scheduleSweep();
    return this.subscription.start();
  }

  /** Stops taking messages, lets the ones in hand finish, then closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.sweepTimer);
    this.outage.interrupt();
    await this.subscription.cancel();
    await Promise.allSettled([...this.inFlight]);
    await this.subscription.close();
    await this.failures.close();
  }

  /** Synchronous on purpose: ordering chains are joined in delivery order, before any await. */
  private receive(channel: Channel, message: ConsumeMessage): void {
    let task: Promise<void>;
    try {
      const envelope = parseEnvelope(message.content, this.producer);
      task =
        envelope.type === ControlTypes.rebuild
          ? this.ordering.afterEverything(() => this.rebuild(channel, message, envelope))
          : this.ordering.inDeliveryOrder(() => this.apply(channel, message, envelope));
    } catch (error) {
      task = this.failures.fail(channel, message, error, undefined);
    }
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private apply(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope): Promise<void> {
    const headers = message.properties.headers ?? {};
    const admission: Admission = {
      messageId: envelope.eventId,
      streamId: envelope.streamId,
      streamVersion: envelope.streamVersion,
      previousVersion: Number(headers[Headers.previousStreamVersion] ?? envelope.streamVersion - 1),
      endsAppend: endsAppend(numberOrUndefined(headers[Headers.appendIndex]), numberOrUndefined(headers[Headers.appendCount])),
    };
    return new Promise((settled) => {
      this.waiting.push({ channel, message, envelope, admission, settled });
      this.wake();
    });
  }

  /**
   * Starts the apply loop unless it runs: the one place batches, drains and their settling happen,
   * in turn. It starts after the deliveries of the same read from the socket are in hand, so that
   * they share its first transaction (an append's events arrive together).
   */
  private wake(): void {
    if (this.applying) return;
    this.applying = true;
    this.loop = new Promise((resolve) => setImmediate(resolve)).then(() => this.applyWaiting());
  }

  private async applyWaiting(): Promise<void> {
    try {
      while (this.waiting.length > 0 || (this.pendingDrains.size > 0 && !this.stopping)) {
        // At most half the prefetch, so that the broker keeps delivering the next batch while this one is applied.
        const batch = this.waiting.splice(0, this.maxBatch);
        // Unacked, a message the consumer could not settle comes back when the channel closes.
        const outcome =
          batch.length === 0
            ? 'applied'
            : await this.applyBatch(batch).catch((error: Error) => this.logger.error(`could not settle a batch: ${error.message}`));
        if (outcome && outcome !== 'applied' && !this.stopping) {
          // Kept in hand, in order, before anything that arrived meanwhile; one settled before the outage (applied,
          // routed to a retry or the DLQ, parked) is not: applied again, it would be acknowledged twice.
          const unsettled = new Set(outcome.unsettled ?? batch);
          batch.filter((arrival) => !unsettled.has(arrival) || arrival.parking).forEach(settle);
          this.waiting.unshift(...batch.filter((arrival) => unsettled.has(arrival) && !arrival.parking));
          await this.outage.backOff(outcome.infrastructure);
          continue;
        }
        if (outcome === 'applied') this.outage.recovered();
        // Before the batch settles, so that no later event of these streams overtakes the drain.
        const drained = outcome === 'applied' ? await this.drainPending() : 'applied';
        if (drained !== 'applied' && !this.stopping) {
          batch.forEach(settle);
          await this.outage.backOff(drained.infrastructure);
          continue;
        }
        batch.forEach(settle);
      }
    } finally {
      this.applying = false;
    }
  }

  /**
   * Applies a batch's events in one transaction; on failure, in parts again (applyInParts). A failure
   * of a server rather than of a message settles nothing and is answered, for a backoff. An event
   * that must wait is stored in `waiting_events` and acknowledged; one whose arrival closes a gap
   * brings the events waiting behind it into the same transaction (`drain`), unless applying them
   * failed, when the batch is applied without them and they are drained on their own.
   */
  private async applyBatch(batch: Arrival[], drain = true): Promise<BatchOutcome> {
    const queue = this.options.queue;
    const applied: string[] = [];
    const drained: WaitingEvent[] = [];
    const parked: { arrival: Arrival; blocker: { eventId: string; version: number } }[] = [];
    const failing: FailingEvent = {};
    try {
      const endingInBatch = batch.length > 1 ? appendsEndingInBatch(batch.map(placeOf)) : new Set<number>();
      const admissionOf = (arrival: Arrival): Admission =>
        endingInBatch.has(batch.indexOf(arrival)) ? { ...arrival.admission, endsAppend: true } : arrival.admission;
      const layers = streamLayers(batch, (arrival) => arrival.admission.streamId);
      await this.options.dataSource.transaction(async (manager) => {
        // A hot stream's run of events, each following the one before: admitted at once.
        if (layers.length > 1 && (await this.inbox.admitChains(manager, queue, batch.map(admissionOf)))) {
          const toApply = batch.filter(({ message }) => !message.properties.headers?.[Headers.skip]);
          await this.dispatchAll(
            toApply.map(({ envelope, message }) => ({ envelope, delivery: this.delivery(manager, message) })),
            failing,
          );
          applied.push(...batch.map((arrival) => arrival.envelope.occurredAt));
          return;
        }
        // The handlers see the admitted events in one call where nothing waiting must come between.
        let toApply: DeliveredEvent[] = [];
        for (const layer of layers) {
          const decisions = await this.inbox.admit(manager, queue, layer.map(admissionOf));
          const admitted = (verdict: string) => layer.filter((_, i) => decisions[i].verdict === verdict);
          for (const { envelope, message } of admitted('apply')) {
            // An operator's skip counts the event as applied, its effects left out.
            if (!message.properties.headers?.[Headers.skip]) toApply.push({ envelope, delivery: this.delivery(manager, message) });
          }
          await this.waitingEvents.hold(
            manager,
            queue,
            admitted('wait').map(({ admission, message }) => ({ ...admission, message })),
          );
          const parkedHere = layer.flatMap((arrival, i) => {
            const park = decisions[i].park;
            return decisions[i].verdict === 'parked' && park
              ? [{ arrival, blocker: { eventId: park.blockerEventId, version: park.blockerVersion } }]
              : [];
          });
          parked.push(...parkedHere);
          await this.inbox.forget(
            manager,
            queue,
            parkedHere.map(({ arrival }) => arrival.admission.messageId),
          );
          await this.inbox.release(
            manager,
            queue,
            layer.filter((_, i) => decisions[i].releases).map((a) => a.admission.streamId),
          );
          const draining = layer.flatMap(({ admission }, i) =>
            decisions[i].drains
              ? [
                  {
                    streamId: admission.streamId,
                    appliedVersion: decisions[i].verdict === 'apply' ? admission.streamVersion : decisions[i].appliedVersion,
                  },
                ]
              : [],
          );
          if (draining.length > 0 && drain) {
            // What a drain applies follows what this batch applied before it.
            await this.dispatchAll(toApply, failing);
            toApply = [];
            drained.push(...(await this.drain(manager, draining, 'together')));
          } else for (const { streamId } of draining) this.pendingDrains.add(streamId);
          applied.push(...admitted('apply').map((a) => a.envelope.occurredAt));
        }
        await this.dispatchAll(toApply, failing);
      });
      this.observe(applied, drained);
      for (const arrival of batch) {
        const behind = parked.find((p) => p.arrival === arrival);
        if (behind) arrival.parking = this.failures.parkBehind(arrival.channel, arrival.message, arrival.envelope, behind.blocker);
        else ackAfterCommit(arrival.channel, arrival.message);
      }
    } catch (error) {
      if (isInfrastructureFailure(error)) return { infrastructure: error };
      // The batch's own events are not to blame: apply them alone, and drain their streams one by one.
      if (error instanceof WaitingEventFailure) return this.applyBatch(batch, false);
      if (batch.length === 1) return this.failed(batch[0], error);
      return this.applyInParts(batch, error, failing, drain);
    }
    return 'applied';
  }

  /**
   * Applies a failed batch again in parts, in delivery order. When a handler named the event it failed on, that
   * event is charged the attempt as if it had been applied alone (its retry or dead letter, its park), without
   * being applied again: applied again at once, a failure that passes the second time would go unseen, neither
   * retried nor counted. Else (a batch handler) the halves are applied again, down to the event alone: one
   * failure among n costs about 2·log2(n) transactions, not n. An outage stops it and answers what is unsettled.
   */
  private async applyInParts(batch: Arrival[], error: unknown, failing: FailingEvent, drain: boolean): Promise<BatchOutcome> {
    const at = batch.findIndex((arrival) => arrival.message === failing.event?.delivery.message);
    const middle = Math.ceil(batch.length / 2);
    const parts: { arrivals: Arrival[]; apply: () => Promise<BatchOutcome> }[] =
      at >= 0
        ? [
            { arrivals: batch.slice(0, at), apply: () => this.applyBatch(batch.slice(0, at), drain) },
            { arrivals: [batch[at]], apply: () => this.failed(batch[at], error) },
            { arrivals: batch.slice(at + 1), apply: () => this.applyBatch(batch.slice(at + 1), drain) },
          ]
        : [batch.slice(0, middle), batch.slice(middle)].map((half) => ({ arrivals: half, apply: () => this.applyBatch(half, drain) }));
    for (const [i, { arrivals, apply }] of parts.entries()) {
      if (arrivals.length === 0) continue;
      const outcome = await apply();
      if (outcome !== 'applied') {
        const later = parts.slice(i + 1).flatMap((part) => part.arrivals);
        return { infrastructure: outcome.infrastructure, unsettled: [...(outcome.unsettled ?? arrivals), ...later] };
      }
    }
    return 'applied';
  }

  private observe(applied: readonly string[], drained: readonly WaitingEvent[]): void {
    const queue = this.options.queue;
    observeApplied(queue, [...applied, ...drained.map((event) => parseEnvelope(event.body, this.producer).occurredAt)]);
    if (drained.length > 0)
      waitingMetrics.applied(
        queue,
        drained.map((event) => event.receivedAt),
      );
  }

  /**
   * Applies, in this transaction, the waiting events that now follow each stream's applied version,
   * in version order and whole appends only (readyRun), through the same handlers: one event per
   * stream per dispatch (inLayers). Answers the events applied. `alone` (one stream): a handler's
   * failure names its event.
   */
  private async drain(
    manager: EntityManager,
    streams: readonly { streamId: string; appliedVersion: number }[],
    mode: 'together' | 'alone',
  ): Promise<WaitingEvent[]> {
    const queue = this.options.queue;
    const reached = new Map(streams.map(({ streamId, appliedVersion }) => [streamId, appliedVersion]));
    const applied: WaitingEvent[] = [];
    for (;;) {
      const loaded = await this.waitingEvents.load(manager, queue, [...reached.keys()], DRAIN_CHUNK);
      const byStream = new Map<string, WaitingEvent[]>();
      for (const event of loaded) {
        const events = byStream.get(event.streamId);
        if (events) events.push(event);
        else byStream.set(event.streamId, [event]);
      }
      const runs: WaitingEvent[][] = [];
      const done: WaitingEvent[] = [];
      for (const [streamId, waiting] of byStream) {
        const { run, stale } = readyRun(reached.get(streamId) ?? 0, waiting);
        done.push(...stale, ...run);
        if (run.length > 0) runs.push(run);
        else reached.delete(streamId);
      }
      for (const layer of inLayers(runs)) {
        const events = layer
          .filter((event) => !event.properties.headers?.[Headers.skip])
          .map((event) => this.deliveredFrom(manager, event));
        try {
          await this.dispatchAll(events);
        } catch (error) {
          if (isInfrastructureFailure(error)) throw error;
          throw mode === 'alone'
            ? new WaitingEventFailure(layer[0], events[0]?.envelope, error)
            : new WaitingEventFailure(undefined, undefined, error);
        }
      }
      await this.waitingEvents.remove(manager, queue, done);
      const moves = runs.map((run) => ({ streamId: run[0].streamId, version: run.at(-1)!.streamVersion }));
      await this.waitingEvents.advance(manager, queue, moves);
      for (const { streamId, version } of moves) reached.set(streamId, version);
      applied.push(...runs.flat());
      // A full chunk may have cut a run short: look again while runs move on.
      if (loaded.length < DRAIN_CHUNK || runs.length === 0) return applied;
    }
  }

  /**
   * Drains, each in a transaction of its own, the streams whose drain failed with their batch. A
   * waiting event whose handler fails goes to a retry tier (or the DLQ) like any failed delivery,
   * an attempt spent; the events before it are drained again without it.
   */
  private async drainPending(): Promise<'applied' | { infrastructure: unknown }> {
    for (const streamId of [...this.pendingDrains]) {
      const outcome = await this.drainStream(streamId);
      if (outcome !== 'applied') return outcome;
      this.pendingDrains.delete(streamId);
    }
    return 'applied';
  }

  private async drainStream(streamId: string): Promise<'applied' | { infrastructure: unknown }> {
    for (;;) {
      try {
        const drained = await this.options.dataSource.transaction(async (manager) => {
          const appliedVersion = await this.waitingEvents.appliedVersion(manager, this.options.queue, streamId);
          return this.drain(manager, [{ streamId, appliedVersion }], 'alone');
        });
        this.observe([], drained);
        return 'applied';
      } catch (error) {
        if (isInfrastructureFailure(error)) return { infrastructure: error };
        if (!(error instanceof WaitingEventFailure) || !error.event) {
          this.logger.error(`could not drain ${streamId}: ${(error as Error).message}`);
          return 'applied';
        }
        const routed = await this.routeWaitingFailure(error.event, error.cause);
        if (routed !== 'applied') return routed;
      }
    }
  }

  /** Sends a waiting event whose handler failed to its retry tier or the DLQ, then takes it out of the table and the inbox. */
  private async routeWaitingFailure(event: WaitingEvent, error: unknown): Promise<'applied' | { infrastructure: unknown }> {
    const queue = this.options.queue;
    const message = asMessage(event);
    const envelope = parseEnvelope(message.content, this.producer);
    try {
      if (this.failures.deadLetters(message, error)) await this.parking.park(queue, envelope);
      await this.failures.failWaiting(message, error, envelope);
      await this.options.dataSource.transaction(async (manager) => {
        await this.waitingEvents.remove(manager, queue, [event]);
        await this.inbox.forget(manager, queue, [event.messageId]);
      });
      return 'applied';
    } catch (routeError) {
      return { infrastructure: routeError };
    }
  }

  private deliveredFrom(manager: EntityManager, event: WaitingEvent): DeliveredEvent {
    const message = asMessage(event);
    return { envelope: parseEnvelope(message.content, this.producer), delivery: this.delivery(manager, message) };
  }

  /** Reports, on a timer, the gaps that outlived the timeout, and what waits, for the metrics. */
  private scheduleSweep(): void {
    clearTimeout(this.sweepTimer);
    const every = Math.max(50, Math.min(5_000, Math.floor(this.gapTimeoutMs / 4)));
    this.sweepTimer = setTimeout(() => {
      void this.sweepGaps()
        .catch((error: Error) => this.logger.warn(`could not look at waiting events: ${error.message}`))
        .finally(() => {
          if (!this.stopping) this.scheduleSweep();
        });
    }, every);
    this.sweepTimer.unref();
  }

  async sweepGaps(): Promise<void> {
    const { queue, dataSource } = this.options;
    const { events, oldestSeconds } = await this.waitingEvents.overview(dataSource, queue);
    waitingMetrics.observeWaiting(queue, events, oldestSeconds);
    if (events === 0) return;
    // A run whose gap closed but whose drain never ran (the process stopped between the two) is
    // applied here, in its stream's turn, rather than waiting for the stream's next event.
    // The apply loop drains it between batches, so no event of its stream is applied meanwhile.
    const ready = await this.waitingEvents.readyStreams(dataSource, queue);
    if (ready.length > 0)
      void this.ordering.inDeliveryOrder(async () => {
        for (const streamId of ready) this.pendingDrains.add(streamId);
        this.wake();
      });
    if (!gapTimedOut(oldestSeconds * 1000, this.gapTimeoutMs, false)) return;
    for (const gap of await this.waitingEvents.claimTimedOut(dataSource, queue, this.gapTimeoutMs)) {
      const first = gap.waiting[0];
      if (!first) continue;
      const message = asMessage(first);
      try {
        await this.failures.reportGap(message, parseEnvelope(message.content, this.producer), {
          missingVersion: missingVersion(gap.appliedVersion, gap.waiting),
          waitingEvents: gap.waiting.length,
          waitedSeconds: (Date.now() - Math.min(...gap.waiting.map((event) => new Date(event.receivedAt).getTime()))) / 1000,
        });
        waitingMetrics.gapTimedOut(queue);
      } catch (error) {
        this.logger.warn(`could not report the gap of ${gap.streamId}: ${(error as Error).message}`);
        await this.waitingEvents.unclaim(dataSource, queue, gap.streamId);
      }
    }
  }

  /**
   * Routes an event that failed on its own. One that fails for good parks its stream behind it
   * first, so that its followers wait in the DLQ with it; a replayed blocker that is retried unparks
   * it, for while it may still pass, its followers wait for it in `waiting_events`.
   */
  private async failed(arrival: Arrival, error: unknown): Promise<BatchOutcome> {
    const { channel, message, envelope } = arrival;
    try {
      if (this.failures.deadLetters(message, error)) await this.parking.park(this.options.queue, envelope);
      else if (message.properties.headers?.[Headers.replayNumber]) await this.parking.lift(this.options.queue, envelope);
    } catch (parkError) {
      if (isInfrastructureFailure(parkError)) return { infrastructure: parkError };
      this.logger.error(`could not park ${envelope.streamId} behind ${envelope.eventId}: ${(parkError as Error).message}`);
    }
    await this.failures.fail(channel, message, error, envelope);
    return 'applied';
  }

  /** Calls the handlers; one event at a time, it notes in `failing` the event whose handler threw. */
  private async dispatchAll(events: readonly DeliveredEvent[], failing?: FailingEvent): Promise<void> {
    if (this.options.dispatchBatch) return this.options.dispatchBatch(events);
    for (const event of events) {
      try {
        await this.options.dispatch(event.envelope, event.delivery);
      } catch (error) {
        if (failing) failing.event = event;
        throw error;
      }
    }
  }

  /** Drops this queue's read models and inbox so the history that follows rebuilds them. */
  private async rebuild(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope): Promise<void> {
    // Drains the loop may still run (after the last batch settled) come before the reset.
    await this.loop;
    try {
      await this.options.dataSource.transaction(async (manager) => {
        // Without a rebuild handler the read models stay, so the inbox must stay too.
        const outcome = await this.options.dispatch(envelope, this.delivery(manager, message));
        if (outcome === 'handled') await this.inbox.reset(manager, this.options.queue);
      });
      this.logger.log('read models reset; rebuilding from the replayed history');
      ackAfterCommit(channel, message);
    } catch (error) {
      await this.failures.fail(channel, message, error, envelope);
    }
  }

  private delivery(manager: EntityManager, message: ConsumeMessage): Delivery {
    const attempt = Number(message.properties.headers?.[Headers.attempts] ?? 0) + 1;
    return { queue: this.options.queue, manager, message, attempt };
  }
}

const numberOrUndefined = (value: unknown): number | undefined => (value === undefined || value === null ? undefined : Number(value));

const placeOf = ({ admission, message }: Arrival): BatchPlace => {
  const headers = message.properties.headers ?? {};
  const transactionId: unknown = headers[Headers.transactionId];
  return {
    streamId: admission.streamId,
    transactionId: transactionId === undefined || transactionId === null ? undefined : String(transactionId),
    appendIndex: numberOrUndefined(headers[Headers.appendIndex]),
    appendCount: numberOrUndefined(headers[Headers.appendCount]),
  };
};
