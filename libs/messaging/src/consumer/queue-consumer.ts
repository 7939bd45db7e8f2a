import { ControlTypes, EventEnvelope, Headers, deadLetterQueueOf, parseQueueName, retryQueueOf } from '@app/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { ConfirmPublisher } from '../confirm-publisher';
import { declareQueues, failureExchange } from '../topology';
import { observeApplied } from './applied-latency';
import { parseEnvelope } from './envelope-parser';
import { Admission, Inbox } from './inbox';
import { InfrastructureOutage } from './infrastructure-outage';
import { OutOfOrderError, classifyFailure, isInfrastructureFailure, retryDelayMs } from './message-failure';

/** What a handler sees besides the event: its queue and the transaction its effects belong to. */
export interface Delivery {
  queue: string;
  manager: EntityManager;
  message: ConsumeMessage;
  attempt: number;
}

/** Runs the handler for an event; answers whether this consumer has a handler for it at all. */
export type EventDispatcher = (envelope: EventEnvelope, delivery: Delivery) => Promise<'handled' | 'unhandled'>;

export interface QueueConsumerOptions {
  queue: string;
  connection: AmqpConnection;
  dataSource: DataSource;
  /** The schema holding this service's inbox and stream checkpoints. */
  schema: string;
  dispatch: EventDispatcher;
  prefetch?: number;
  /** Attempts before a transiently failing message is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
}

/** A delivered event waiting for its turn in a batch. */
interface Arrival {
  channel: Channel;
  message: ConsumeMessage;
  envelope: EventEnvelope;
  admission: Admission;
  settled(): void;
}

/**
 * Consumes one queue: each event's effects and its inbox row commit in one transaction, the ack
 * follows the commit, events of one stream are applied one at a time and in version order, and
 * failures go to `<queue>.retry` (transient) or `<queue>.dlq` (permanent or out of attempts).
 *
 * Events that arrive while a transaction is running are applied together in the next one (group
 * commit): one inbox statement and one checkpoint statement for the lot instead of a transaction
 * of six round trips each. A batch that fails is rolled back and its events are applied again one
 * by one, so a failure is classified for, and only costs, the event that caused it.
 */
export class QueueConsumer {
  private readonly logger: Logger;
  private readonly producer: string;
  private readonly inbox: Inbox;
  private readonly failures: ConfirmPublisher;
  private readonly streamChains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private barrier: Promise<unknown> = Promise.resolve();
  private readonly waiting: Arrival[] = [];
  private applying = false;
  private channel?: Channel;
  private consumerTag?: string;
  private stopping = false;
  private resubscribeTimer?: NodeJS.Timeout;
  private readonly setup = (connection: ChannelModel) => this.subscribe(connection);
  private readonly outage: InfrastructureOutage;

  constructor(private readonly options: QueueConsumerOptions) {
    this.logger = new Logger(`Consumer:${options.queue}`);
    this.outage = new InfrastructureOutage(this.logger);
    this.producer = parseQueueName(options.queue)?.producer ?? 'unknown';
    this.inbox = new Inbox(options.schema);
    this.failures = new ConfirmPublisher(options.connection, undefined, failureExchange(parseQueueName(options.queue)?.consumer ?? ''));
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.options.connection.onConnected(this.setup);
  }

  /** Stops taking messages, lets the ones in hand finish, then closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.outage.interrupt();
    clearTimeout(this.resubscribeTimer);
    this.options.connection.removeSetup(this.setup);
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
    await this.failures.close();
  }

  private async subscribe(connection: ChannelModel): Promise<void> {
    await declareQueues(connection, [this.options.queue]);
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => this.logger.warn(`channel error: ${error.message}`));
    channel.on('close', () => this.onChannelLost(channel, connection));
    await channel.prefetch(this.options.prefetch ?? 32);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.options.queue, (message) => {
      if (message) this.receive(channel, message);
      // The broker cancelled us (e.g. the queue was deleted): start over on a fresh channel.
      else void channel.close().catch(() => undefined);
    });
    this.consumerTag = consumerTag;
  }

  /**
   * A channel can close while its connection stays up (a channel error, a broker-side cancel). The
   * connection only re-runs setup after a reconnection, so without this the queue would silently
   * lose its consumer.
   */
  private onChannelLost(channel: Channel, connection: ChannelModel): void {
    if (this.channel !== channel || this.stopping) return;
    this.channel = undefined;
    this.consumerTag = undefined;
    this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), 1_000);
  }

  private async resubscribe(connection: ChannelModel): Promise<void> {
    if (this.stopping || this.channel) return;
    // After a lost connection the reconnection runs `setup` itself, on the new connection.
    if (!this.options.connection.isConnected || this.options.connection.current() !== connection) return;
    try {
      await this.subscribe(connection);
      this.logger.log('consuming again after the channel closed');
    } catch (error) {
      this.logger.warn(`could not consume again (${(error as Error).message}); retrying`);
      this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), 5_000);
    }
  }

  /** Synchronous on purpose: ordering chains are joined in delivery order, before any await. */
  private receive(channel: Channel, message: ConsumeMessage): void {
    let task: Promise<void>;
    try {
      const envelope = parseEnvelope(message.content, this.producer);
      task = envelope.type === ControlTypes.rebuild
        ? this.afterEverything(() => this.rebuild(channel, message, envelope))
        : this.afterStream(envelope.streamId, () => this.apply(channel, message, envelope));
    } catch (error) {
      task = this.fail(channel, message, error, undefined);
    }
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private afterStream(streamId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.streamChains.get(streamId) ?? Promise.resolve();
    const next = Promise.all([previous, this.barrier]).then(work, work);
    this.streamChains.set(streamId, next);
    void next.finally(() => this.streamChains.get(streamId) === next && this.streamChains.delete(streamId));
    return next;
  }

  private afterEverything(work: () => Promise<void>): Promise<void> {
    const next = Promise.allSettled([...this.streamChains.values(), this.barrier]).then(work);
    this.barrier = next;
    return next;
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
        const outcome = await this.applyBatch(batch).catch((error: Error) => this.logger.error(`could not settle a batch: ${error.message}`));
        if (outcome && outcome !== 'applied' && !this.stopping) {
          // Kept in hand, in order, before anything that arrived meanwhile.
          this.waiting.unshift(...batch);
          await this.outage.backOff(outcome.infrastructure);
          continue;
        }
        if (outcome === 'applied') this.outage.recovered();
        batch.forEach((arrival) => arrival.settled());
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
    try {
      await this.options.dataSource.transaction(async (manager) => {
        const decisions = await this.inbox.admit(manager, queue, batch.map((arrival) => arrival.admission));
        for (const [i, { verdict, appliedVersion }] of decisions.entries()) {
          const { envelope, message } = batch[i];
          if (verdict === 'early') throw new OutOfOrderError(envelope.streamId, appliedVersion, envelope.streamVersion);
          if (verdict === 'apply') await this.options.dispatch(envelope, this.delivery(manager, message));
        }
        await this.inbox.advance(manager, queue, batch.filter((_, i) => decisions[i].verdict === 'apply').map((a) => a.admission));
        applied = batch.filter((_, i) => decisions[i].verdict === 'apply').map((a) => a.envelope.occurredAt);
      });
      observeApplied(queue, applied);
      for (const { channel, message } of batch) this.ack(channel, message);
    } catch (error) {
      if (isInfrastructureFailure(error)) return { infrastructure: error };
      if (batch.length === 1) await this.fail(batch[0].channel, batch[0].message, error, batch[0].envelope);
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

  /** Drops this queue's read models and inbox so the history that follows rebuilds them. */
  private async rebuild(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope): Promise<void> {
    try {
      await this.options.dataSource.transaction(async (manager) => {
        // Without a rebuild handler the read models stay, so the inbox must stay too.
        const outcome = await this.options.dispatch(envelope, this.delivery(manager, message));
        if (outcome === 'handled') await this.inbox.reset(manager, this.options.queue);
      });
      this.logger.log('read models reset; rebuilding from the replayed history');
      this.ack(channel, message);
    } catch (error) {
      await this.fail(channel, message, error, envelope);
    }
  }

  private delivery(manager: EntityManager, message: ConsumeMessage): Delivery {
    const attempt = Number(message.properties.headers?.[Headers.attempts] ?? 0) + 1;
    return { queue: this.options.queue, manager, message, attempt };
  }

  private async fail(channel: Channel, message: ConsumeMessage, error: unknown, envelope?: EventEnvelope) {
    const failure = classifyFailure(error);
    const headers = message.properties.headers ?? {};
    const attempts = Number(headers[Headers.attempts] ?? 0) + 1;
    const deadLetter = failure.permanent || attempts >= (this.options.maxAttempts ?? 5);
    const target = deadLetter ? deadLetterQueueOf(this.options.queue) : retryQueueOf(this.options.queue);
    const now = new Date().toISOString();
    const messageId = String(message.properties.messageId ?? envelope?.eventId ?? randomUUID());
    const log = `${envelope?.type ?? 'message'} ${messageId} failed (${failure.code}: ${failure.message}); attempt ${attempts} → ${target}`;
    if (deadLetter) this.logger.error(log);
    else this.logger.warn(log);
    try {
      await this.failures.publish(target, [
        {
          content: message.content,
          options: {
            ...message.properties,
            messageId,
            expiration: deadLetter ? undefined : String(retryDelayMs(attempts, this.options.retryBaseMs)),
            headers: {
              ...headers,
              [Headers.originalQueue]: this.options.queue,
              [Headers.attempts]: attempts,
              [Headers.firstFailedAt]: headers[Headers.firstFailedAt] ?? now,
              [Headers.lastFailedAt]: now,
              [Headers.errorCode]: failure.code,
              [Headers.errorMessage]: failure.message.slice(0, 1_000),
            },
          },
        },
      ]);
      this.ack(channel, message);
    } catch (publishError) {
      // The message stays unacknowledged and comes back; nothing is lost.
      this.logger.warn(`could not move ${messageId} to ${target}: ${(publishError as Error).message}`);
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel is already gone; the broker requeues the message itself.
      }
    }
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // The channel closed after the commit: the broker redelivers and the inbox absorbs it.
    }
  }
}
