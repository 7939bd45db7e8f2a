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
import { OutOfOrderError, isInfrastructureFailure } from './message-failure';
import { StreamOrdering } from './stream-ordering';
import { StreamParking } from './stream-parking';

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
 * The batch holds at most one event per stream.
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
}

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

/** A parked event settles once it is in the DLQ; the batches that follow need not wait for it. */
const settle = (arrival: Arrival): void => (arrival.parking ? void arrival.parking.finally(arrival.settled) : arrival.settled());

/**
 * Consumes one queue: each event's effects and its inbox row commit in one transaction, and the ack
 * follows the commit. The channel (ChannelSubscription), the per-stream order (StreamOrdering) and
 * the routing of failures to `<queue>.retry.<tier>` or `<queue>.dlq` (FailureRouter) live beside it.
 *
 * Events that arrive while a transaction is running are applied together in the next one (group
 * commit): one inbox statement, which also moves the stream checkpoints, for the lot instead of a transaction
 * of six round trips each; `dispatchBatch` hands the lot to the handlers at once, so that a handler
 * taking batches writes them in one statement too. A batch that fails is rolled back and its events are applied again one
 * by one, so a failure is classified for, and only costs, the event that caused it. A failure of a
 * server the consumer needs (InfrastructureOutage) costs no event anything: the batch is held, in
 * order, and tried again after a backoff.
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
  private applying = false;
  private stopping = false;

  constructor(private readonly options: QueueConsumerOptions) {
    this.logger = new Logger(`Consumer:${options.queue}`);
    this.producer = parseQueueName(options.queue)?.producer ?? 'unknown';
    this.inbox = new Inbox(options.schema);
    this.outage = new InfrastructureOutage(this.logger);
    this.failures = new FailureRouter({ ...options, logger: this.logger });
    this.parking = new StreamParking(options.dataSource, options.schema);
    this.subscription = new ChannelSubscription({
      connection: options.connection,
      logger: this.logger,
      queues: [options.queue],
      prefetch: options.prefetch ?? 32,
      declare: (connection) => declareQueues(connection, [options.queue]),
      receive: (channel, _queue, message) => this.receive(channel, message),
    });
  }

  start(): Promise<void> {
    this.stopping = false;
    return this.subscription.start();
  }

  /** Stops taking messages, lets the ones in hand finish, then closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
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
          : this.ordering.afterStream(envelope.streamId, () => this.apply(channel, message, envelope));
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
    };
    return new Promise((settled) => {
      this.waiting.push({ channel, message, envelope, admission, settled });
      if (!this.applying) void this.applyWaiting();
    });
  }

  private async applyWaiting(): Promise<void> {
    this.applying = true;
    try {
      while (this.waiting.length > 0) {
        // At most the prefetch: the broker hands out no more unacknowledged messages than that.
        const batch = this.waiting.splice(0);
        // Unacked, a message the consumer could not settle comes back when the channel closes.
        const outcome = await this.applyBatch(batch).catch((error: Error) =>
          this.logger.error(`could not settle a batch: ${error.message}`),
        );
        if (outcome && outcome !== 'applied' && !this.stopping) {
          // Kept in hand, in order, before anything that arrived meanwhile; a parked one is already on its way.
          batch.filter((arrival) => arrival.parking).forEach(settle);
          this.waiting.unshift(...batch.filter((arrival) => !arrival.parking));
          await this.outage.backOff(outcome.infrastructure);
          continue;
        }
        if (outcome === 'applied') this.outage.recovered();
        batch.forEach(settle);
      }
    } finally {
      this.applying = false;
    }
  }

  /**
   * Applies events of distinct streams in one transaction; on failure, each on its own. A failure
   * of a server rather than of a message settles nothing and is answered, for a backoff.
   */
  private async applyBatch(batch: Arrival[]): Promise<'applied' | { infrastructure: unknown }> {
    const queue = this.options.queue;
    let applied: string[] = [];
    let parked: { arrival: Arrival; blocker: { eventId: string; version: number } }[] = [];
    try {
      await this.options.dataSource.transaction(async (manager) => {
        const decisions = await this.inbox.admit(
          manager,
          queue,
          batch.map((arrival) => arrival.admission),
        );
        const toApply: DeliveredEvent[] = [];
        for (const [i, { verdict, appliedVersion }] of decisions.entries()) {
          const { envelope, message } = batch[i];
          if (verdict === 'early') throw new OutOfOrderError(envelope.streamId, appliedVersion, envelope.streamVersion);
          // An operator's skip counts the event as applied, its effects left out.
          if (verdict === 'apply' && !message.properties.headers?.[Headers.skip]) {
            toApply.push({ envelope, delivery: this.delivery(manager, message) });
          }
        }
        await this.dispatchAll(toApply);
        const admitted = (verdict: string) => batch.filter((_, i) => decisions[i].verdict === verdict);
        parked = batch.flatMap((arrival, i) => {
          const park = decisions[i].park;
          return decisions[i].verdict === 'parked' && park
            ? [{ arrival, blocker: { eventId: park.blockerEventId, version: park.blockerVersion } }]
            : [];
        });
        await this.inbox.forget(
          manager,
          queue,
          parked.map(({ arrival }) => arrival.admission.messageId),
        );
        await this.inbox.release(
          manager,
          queue,
          batch.filter((_, i) => decisions[i].releases).map((a) => a.admission.streamId),
        );
        applied = admitted('apply').map((a) => a.envelope.occurredAt);
      });
      observeApplied(queue, applied);
      for (const arrival of batch) {
        const behind = parked.find((p) => p.arrival === arrival);
        if (behind) arrival.parking = this.failures.parkBehind(arrival.channel, arrival.message, arrival.envelope, behind.blocker);
        else ackAfterCommit(arrival.channel, arrival.message);
      }
    } catch (error) {
      if (isInfrastructureFailure(error)) return { infrastructure: error };
      if (batch.length === 1) return this.failed(batch[0], error);
      // Which event failed, and how, is found out by applying each again on its own; the inbox
      // absorbs those already applied when an outage sends the whole batch round again.
      else {
        for (const arrival of batch) {
          const outcome = await this.applyBatch([arrival]);
          if (outcome !== 'applied') return outcome;
        }
      }
    }
    return 'applied';
  }

  /**
   * Routes an event that failed on its own. One that fails for good parks its stream behind it
   * first, so that its followers wait in the DLQ with it; a replayed blocker that is retried unparks
   * it, for while it may still pass, its followers wait for it as out of order.
   */
  private async failed(arrival: Arrival, error: unknown): Promise<'applied' | { infrastructure: unknown }> {
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

  private async dispatchAll(events: readonly DeliveredEvent[]): Promise<void> {
    if (this.options.dispatchBatch) return this.options.dispatchBatch(events);
    for (const { envelope, delivery } of events) await this.options.dispatch(envelope, delivery);
  }

  /** Drops this queue's read models and inbox so the history that follows rebuilds them. */
  private async rebuild(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope): Promise<void> {
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
