import { deadLetterQueueOf } from '@app/contracts';
import { AmqpConnection, declareQueues } from '@app/messaging';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
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
  private readonly consumers: { channel: Channel; tag: string }[] = [];
  private channel?: Channel;
  private timer?: NodeJS.Timeout;
  private resubscribeTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private failures = 0;
  private retryAt = 0;
  private stopped = false;
  private readonly setup = (connection: ChannelModel) => this.subscribe(connection);

  constructor(private readonly options: DeadLetterDrainOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.lingerMs = options.lingerMs ?? 20;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.options.connection.onConnected(this.setup);
  }

  /** Stops consuming, stores what is in hand, then closes the channel. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.resubscribeTimer);
    this.options.connection.removeSetup(this.setup);
    for (const { channel, tag } of this.consumers.splice(0)) await channel.cancel(tag).catch(() => undefined);
    clearTimeout(this.timer);
    this.retryAt = 0;
    await this.flush();
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private async subscribe(connection: ChannelModel): Promise<void> {
    // Declaring the whole topology means every DLQ exists, and so does every queue a replay targets.
    await declareQueues(connection, this.options.queues);
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => this.logger.warn(`channel error: ${error.message}`));
    channel.on('close', () => this.onChannelClosed(channel, connection));
    await channel.prefetch(this.batchSize);
    this.channel = channel;
    this.consumers.length = 0;
    for (const queue of this.options.queues) {
      const dlq = deadLetterQueueOf(queue);
      const { consumerTag } = await channel.consume(dlq, (message) => {
        if (message) this.receive(channel, dlq, message);
        // The broker cancelled us (the DLQ was deleted): start over, which declares it again.
        else void channel.close().catch(() => undefined);
      });
      this.consumers.push({ channel, tag: consumerTag });
    }
  }

  /**
   * The connection re-runs `setup` only after a reconnection; a channel lost on a live connection
   * (a channel error, a cancelled consumer) is resubscribed here, or the DLQs would go undrained.
   */
  private onChannelClosed(channel: Channel, connection: ChannelModel): void {
    if (this.channel !== channel || this.stopped) return;
    this.channel = undefined;
    this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), 1_000);
  }

  private async resubscribe(connection: ChannelModel): Promise<void> {
    if (this.stopped || this.channel) return;
    if (!this.options.connection.isConnected || this.options.connection.current() !== connection) return;
    try {
      await this.subscribe(connection);
      this.logger.log('draining the dead-letter queues again after the channel closed');
    } catch (error) {
      this.logger.warn(`could not drain again (${(error as Error).message}); retrying`);
      this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), 5_000);
    }
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
        await this.options.dataSource.transaction((manager) => this.options.repository.record(manager, batch.map((p) => p.record)));
        this.failures = 0;
      } catch (error) {
        // Unacknowledged, the messages stay ours; try the same batch again after a pause.
        this.pending.unshift(...batch);
        this.failures++;
        const delay = Math.min(10_000, 250 * 2 ** (this.failures - 1));
        this.logger.warn(`could not store ${batch.length} dead letter(s) (${(error as Error).message}); retrying in ${delay} ms`);
        if (this.stopped) return;
        this.retryAt = Date.now() + delay;
        return this.schedule(delay);
      }
      for (const { channel, message } of batch) {
        try {
          channel.ack(message);
        } catch {
          // The channel closed after the commit: the broker redelivers and the upsert ignores it.
        }
      }
      this.logger.debug?.(`stored ${batch.length} dead letter(s)`);
    }
  }
}
