import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * A channel's deliveries not yet settled, so that acknowledgements go out as one `multiple` ack
 * up to the highest tag below which everything is settled, instead of a frame (and, for a quorum
 * queue, a log entry) each. An ack that an earlier, still unsettled delivery would hold back goes
 * out on its own at once, so a message held for a while (a retry's jitter) delays no other's ack.
 */
export class AckWindow {
  private readonly unsettled = new Set<number>();
  /** Acknowledged here but not yet sent, waiting to be covered by one `multiple` ack. */
  private readonly acked = new Set<number>();
  private flushing = false;

  constructor(private readonly channel: Channel) {}

  received(message: ConsumeMessage): void {
    this.unsettled.add(message.fields.deliveryTag);
  }

  /** Acknowledges `message`; sent with the others acknowledged in the same turn. */
  ack(message: ConsumeMessage): void {
    const tag = message.fields.deliveryTag;
    if (!this.unsettled.has(tag)) {
      // Not received through this window (or already settled): acknowledge it on its own.
      this.channel.ack(message);
      return;
    }
    this.acked.add(tag);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => this.flush());
  }

  /** Hands `message` back to the broker, after the acks that precede it. */
  requeue(message: ConsumeMessage): void {
    this.flush();
    this.unsettled.delete(message.fields.deliveryTag);
    this.channel.nack(message, false, true);
  }

  private flush(): void {
    this.flushing = false;
    if (this.acked.size === 0) return;
    let upTo: number | undefined;
    for (const tag of [...this.unsettled].sort((a, b) => a - b)) {
      if (!this.acked.has(tag)) break;
      upTo = tag;
    }
    try {
      if (upTo !== undefined) this.channel.ack(tagged(upTo), true);
      for (const tag of this.acked) if (upTo === undefined || tag > upTo) this.channel.ack(tagged(tag));
    } catch {
      // The channel closed after the commits: the broker redelivers, and the inbox or upsert absorbs it.
    } finally {
      for (const tag of this.acked) this.unsettled.delete(tag);
      this.acked.clear();
    }
  }
}

/** amqplib reads only the delivery tag of the message it acknowledges. */
const tagged = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;
