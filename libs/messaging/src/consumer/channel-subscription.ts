import { jitteredMs } from '@app/async';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { AmqpConnection } from '../amqp-connection';
import { AckWindow } from './ack-window';

const windows = new WeakMap<Channel, AckWindow>();
const windowOf = (channel: Channel): AckWindow => {
  let window = windows.get(channel);
  if (!window) windows.set(channel, (window = new AckWindow(channel)));
  return window;
};

export interface ChannelSubscriptionOptions {
  connection: AmqpConnection;
  logger: Logger;
  /** The queues consumed on the channel. */
  queues: readonly string[];
  prefetch: number;
  /** Declares (or, for a user that may configure nothing, checks) what must exist before consuming; runs before every fresh channel. */
  declare(connection: ChannelModel): Promise<void>;
  /** Takes one delivery; called in delivery order. */
  receive(channel: Channel, queue: string, message: ConsumeMessage): void;
}

/**
 * One channel consuming a set of queues, kept alive: the connection re-runs the setup after a
 * reconnection, and a channel lost while the connection stays up is resubscribed here.
 */
export class ChannelSubscription {
  private channel?: Channel;
  private consumers: { channel: Channel; tag: string }[] = [];
  private stopping = false;
  private resubscribeTimer?: NodeJS.Timeout;
  private readonly setup = (connection: ChannelModel) => this.subscribe(connection);

  constructor(private readonly options: ChannelSubscriptionOptions) {}

  async start(): Promise<void> {
    this.stopping = false;
    await this.options.connection.onConnected(this.setup);
  }

  /** Stops taking deliveries; the channel stays open so that messages in hand can still be settled. */
  async cancel(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.resubscribeTimer);
    this.options.connection.removeSetup(this.setup);
    for (const { channel, tag } of this.consumers.splice(0)) await channel.cancel(tag).catch(() => undefined);
  }

  /** Closes the channel; call after `cancel` once the messages in hand are settled. */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private async subscribe(connection: ChannelModel): Promise<void> {
    const { logger, queues } = this.options;
    await this.options.declare(connection);
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => logger.warn(`channel error: ${error.message}`));
    channel.on('close', () => this.onChannelLost(channel, connection));
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    this.consumers = [];
    for (const queue of queues) {
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message) {
          windowOf(channel).received(message);
          this.options.receive(channel, queue, message);
        }
        // The broker cancelled us (e.g. the queue was deleted): start over on a fresh channel.
        else void channel.close().catch(() => undefined);
      });
      this.consumers.push({ channel, tag: consumerTag });
    }
  }

  /**
   * A channel can close while its connection stays up (a channel error, a broker-side cancel). The
   * connection only re-runs setup after a reconnection, so without this the queues would silently
   * lose their consumer.
   */
  private onChannelLost(channel: Channel, connection: ChannelModel): void {
    if (this.channel !== channel || this.stopping) return;
    this.channel = undefined;
    this.consumers = [];
    this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), jitteredMs(1_000));
  }

  private async resubscribe(connection: ChannelModel): Promise<void> {
    if (this.stopping || this.channel) return;
    // After a lost connection the reconnection runs `setup` itself, on the new connection.
    if (!this.options.connection.isConnected || this.options.connection.current() !== connection) return;
    try {
      await this.subscribe(connection);
      this.options.logger.log('consuming again after the channel closed');
    } catch (error) {
      this.options.logger.warn(`could not consume again (${(error as Error).message}); retrying`);
      this.resubscribeTimer = setTimeout(() => void this.resubscribe(connection), jitteredMs(5_000));
    }
  }
}

/**
 * Acknowledges a message whose effects have committed, with the others acknowledged in the same
 * turn (AckWindow); a channel closed meanwhile is no error.
 */
export function ackAfterCommit(channel: Channel, message: ConsumeMessage): void {
  try {
    windowOf(channel).ack(message);
  } catch {
    // The channel closed after the commit: the broker redelivers, and the inbox or upsert absorbs it.
  }
}

/** Hands a message back to the broker; when the channel is already gone, the broker requeues it itself. */
export function requeue(channel: Channel, message: ConsumeMessage): void {
  try {
    windowOf(channel).requeue(message);
  } catch {
    // The channel is already gone; the broker requeues the message itself.
  }
}
