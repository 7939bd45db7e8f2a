import { backoffMs } from '@app/async';
import { deadLetterQueueOf } from '@app/contracts';
import { AmqpConnection, ChannelSubscription, ackAfterCommit, declareQueues } from '@app/messaging';
import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import { DeadLetterRepository } from '../dead-letter.repository';
import { DeadLetterRecord, toDeadLetterRecord } from '../domain/dead-letter-record';

export interface DeadLetterDrainOptions {
  connection: AmqpConnection;
  dataSource: DataSource;
  repository: DeadLetterRepository;
  /** The consumer queues whose `<queue>.dlq` is drained. */
  queues: readonly string[];
  /** Rows written per transaction; also each DLQ consumer's prefetch. */
  batchSize?: number;
  /** How long a message may wait for others to share its transaction. */
  lingerMs?: number;
}

interface Pending {
  channel: Channel;
  message: ConsumeMessage;
  record: DeadLetterRecord;
}

/**
 * Moves every message of the platform's dead-letter queues into `dead_letters`. A plain amqplib
 * consumer, not the event transport: a dead letter may be malformed JSON or of an unknown type,
 * and must be kept byte for byte. A message is acknowledged only after its row has committed,
 * so a crash in between redelivers it, and the upsert recognises the redelivery.
 */
export class DeadLetterDrain {
  private readonly logger = new Logger('DeadLetterDrain');
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly pending: Pending[] = [];
  private readonly subscription: ChannelSubscription;
  /** Consumers registered at run time, each on a channel of its own so that it can come and go. */
  private readonly registered = new Map<string, ChannelSubscription>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private failures = 0;
  private retryAt = 0;
  private stopped = false;

  constructor(private readonly options: DeadLetterDrainOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.lingerMs = options.lingerMs ?? 20;
    // Declaring the whole topology means every DLQ exists, and so does every queue a replay targets.
    this.subscription = this.subscriptionOf(options.queues);
  }

  private subscriptionOf(queues: readonly string[]): ChannelSubscription {
    return new ChannelSubscription({
      connection: this.options.connection,
      logger: this.logger,
      queues: queues.map(deadLetterQueueOf),
      prefetch: this.batchSize,
      declare: (connection) => declareQueues(connection, queues),
      receive: (channel, dlq, message) => this.receive(channel, dlq, message),
    });
  }

  /** Drains the `<queue>.dlq` of a consumer registered at run time too; a queue already drained is left as is. */
  async add(queue: string): Promise<void> {
    if (this.stopped || this.options.queues.includes(queue) || this.registered.has(queue)) return;
    const subscription = this.subscriptionOf([queue]);
    this.registered.set(queue, subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.registered.delete(queue);
      await subscription.cancel();
      await subscription.close();
      throw error;
    }
  }

  /** Stops draining a removed consumer's DLQ, once the dead letters in hand are stored. */
  async remove(queue: string): Promise<void> {
    const subscription = this.registered.get(queue);
    if (!subscription) return;
    this.registered.delete(queue);
    await subscription.cancel();
    await this.flush();
    await subscription.close();
  }

  /** The run-time consumers' queues whose DLQ is drained. */
  registeredQueues(): string[] {
    return [...this.registered.keys()];
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.subscription.start();
  }

  /** Stops consuming, stores what is in hand, then closes the channel. */
  async stop(): Promise<void> {
    this.stopped = true;
    const subscriptions = [this.subscription, ...this.registered.values()];
    this.registered.clear();
    for (const subscription of subscriptions) await subscription.cancel();
    clearTimeout(this.timer);
    this.retryAt = 0;
    await this.flush();
    for (const subscription of subscriptions) await subscription.close();
  }

  private receive(channel: Channel, dlq: string, message: ConsumeMessage): void {
    const record = toDeadLetterRecord(dlq, message, new Date().toISOString());
    this.pending.push({ channel, message, record });
    this.schedule(this.pending.length >= this.batchSize ? 0 : this.lingerMs);
  }

  private schedule(delayMs: number): void {
    const wait = Math.max(delayMs, this.retryAt - Date.now());
    if (this.timer && wait > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushPending());
    return this.flushing;
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0) {
      if (!this.stopped && Date.now() < this.retryAt) return this.schedule(0);
      const batch = this.pending.splice(0, this.batchSize);
      try {
        await this.options.dataSource.transaction((manager) =>
          this.options.repository.record(
            manager,
            batch.map((p) => p.record),
          ),
        );
        this.failures = 0;
      } catch (error) {
        // Unacknowledged, the messages stay ours; try the same batch again after a pause.
        this.pending.unshift(...batch);
        this.failures++;
        const delay = backoffMs(this.failures, { baseMs: 250, capMs: 10_000 });
        this.logger.warn(`could not store ${batch.length} dead letter(s) (${(error as Error).message}); retrying in ${delay} ms`);
        if (this.stopped) return;
        this.retryAt = Date.now() + delay;
        return this.schedule(delay);
      }
      for (const { channel, message } of batch) ackAfterCommit(channel, message);
      this.logger.debug?.(`stored ${batch.length} dead letter(s)`);
    }
  }
}
