import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import type { Writable } from 'node:stream';
import { AmqpConnection } from './amqp-connection';

export interface OutgoingMessage {
  content: Buffer;
  /** `messageId` is required: it is the consumer's idempotency key and our way to spot returns. */
  options: Options.Publish & { messageId: string };
}

/** The broker could not route a message to its queue (it does not exist): nothing was delivered. */
export class UnroutableError extends Error {
  constructor(
    readonly queue: string,
    readonly count: number,
  ) {
    super(`${count} message(s) could not be routed to queue "${queue}"`);
    this.name = 'UnroutableError';
  }
}

/**
 * Publishes to a queue by name through `exchange` (bound to it with the queue's name as the
 * routing key; the default exchange only for tests' administrators): persistent, `mandatory`, and
 * resolved only once the broker has confirmed every message. One instance owns one channel, so
 * a failing destination never closes another destination's channel.
 *
 * Concurrent `publish` calls are allowed (a caller may publish its next batch while the previous
 * one awaits confirms): their messages reach the channel one whole batch after the other, in call order.
 */
export class ConfirmPublisher {
  private channel?: Promise<ConfirmChannel>;
  private readonly returned = new Set<string>();
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly confirmTimeoutMs = 10_000,
    private readonly exchange = '',
  ) {}

  /** Publishes `messages` to `queue` and waits for the broker's confirms. */
  async publish(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Only the ids outlive the write: the bodies are the channel's business once handed over.
    const ids = messages.map((m) => m.options.messageId);
    const written = this.writing.then(() => this.write(queue, messages));
    this.writing = written.catch(() => undefined);
    await this.withTimeout(
      written.then((write) => write.confirmed),
      queue,
    );
    const unroutable = ids.filter((id) => this.returned.delete(id)).length;
    if (unroutable > 0) throw new UnroutableError(queue, unroutable);
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.then((c) => c.close()).catch(() => undefined);
  }

  /**
   * Hands every message to the channel. One promise covers the batch: it settles when the last
   * confirm arrives, or fails with the first nack (a per-message promise would cost memory per
   * message in flight).
   */
  private async write(queue: string, messages: readonly OutgoingMessage[]): Promise<{ confirmed: Promise<void> }> {
    const channel = await this.openChannel();
    let outstanding = messages.length;
    let settle!: (error?: Error) => void;
    const confirmed = new Promise<void>((resolve, reject) => {
      let settled = false;
      settle = (error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
    });
    // Awaited by `publish`; until then a rejection must not count as unhandled.
    confirmed.catch(() => undefined);
    const onConfirm = (error: Error | null) => {
      if (error) settle(new Error(`broker refused a message for "${queue}" (${error.message})`));
      else if (--outstanding === 0) settle();
    };
    const socket = new CorkedSocket(this.connection.current());
    try {
      for (const message of messages) {
        // Mandatory always, persistent unless said otherwise; a message that already says so is sent as is.
        const given = message.options;
        const options =
          given.mandatory === true && given.persistent !== undefined ? given : { persistent: true, ...given, mandatory: true };
        try {
          if (!channel.publish(this.exchange, queue, message.content, options, onConfirm)) {
            socket.flush();
            await this.drained(channel, queue);
            socket.cork();
          }
        } catch (error) {
          settle(error as Error);
          break;
        }
      }
    } finally {
      socket.flushSoon();
    }
    return { confirmed };
  }

  /** Waits for the socket buffer to drain, or fails when the channel closes first (never hangs). */
  private drained(channel: ConfirmChannel, queue: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        channel.off('drain', onDrain);
        channel.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error(`channel to "${queue}" closed while publishing`));
      channel.on('drain', onDrain);
      channel.on('close', onClose);
    });
  }

  private openChannel(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const opening = this.connection
      .current()
      .createConfirmChannel()
      .then((channel) => {
        // A returned message is followed by its confirm, so by the time `publish` resolves the
        // returns of its batch have been seen.
        channel.on('return', (message) => this.returned.add(String(message.properties.messageId)));
        channel.on('error', () => undefined);
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
          this.returned.clear();
        });
        return channel;
      });
    this.channel = opening;
    opening.catch(() => {
      if (this.channel === opening) this.channel = undefined;
    });
    return opening;
  }

  private async withTimeout(confirms: Promise<unknown>, queue: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.close();
        reject(new Error(`no publisher confirm from RabbitMQ for "${queue}" within ${this.confirmTimeoutMs} ms`));
      }, this.confirmTimeoutMs);
    });
    try {
      await Promise.race([confirms, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * amqplib writes every frame to the socket on its own, one system call per message. Corked, the
 * frames of a batch leave in one `writev`. amqplib moves frames from the channel to the socket
 * in a `setImmediate`, so the socket is uncorked in a later one, after that move; and it must be
 * uncorked before waiting for a drain, which a corked socket would never signal.
 */
class CorkedSocket {
  private readonly socket?: Writable;
  private corked = false;

  constructor(model: ChannelModel) {
    // `connection.stream` is amqplib's socket; without it, frames simply go out one by one.
    const stream = (model as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    this.socket = typeof stream?.cork === 'function' ? stream : undefined;
    this.cork();
  }

  cork(): void {
    if (!this.socket || this.corked) return;
    this.socket.cork();
    this.corked = true;
  }

  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket!.uncork();
  }

  flushSoon(): void {
    if (this.corked) setImmediate(() => this.flush());
  }
}
