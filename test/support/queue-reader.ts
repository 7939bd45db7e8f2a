import { ChannelModel, ConsumeMessage, connect } from 'amqplib';

export interface ReadEvent {
  eventId: string;
  type: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  occurredAt: string;
  /** When this reader received it (ms since the epoch). */
  receivedAtMs: number;
}

/** A downstream consumer as a test plays it: reads one queue with amqplib, acks everything, keeps what came. */
export class QueueReader {
  readonly events: ReadEvent[] = [];
  private connection?: ChannelModel;

  constructor(
    private readonly amqpUrl: string,
    private readonly queue: string,
    private readonly prefetch = 500,
  ) {}

  async start(): Promise<this> {
    this.connection = await connect(this.amqpUrl);
    const channel = await this.connection.createChannel();
    await channel.prefetch(this.prefetch);
    await channel.consume(this.queue, (message: ConsumeMessage | null) => {
      if (!message) return;
      const body = JSON.parse(message.content.toString()) as Omit<ReadEvent, 'receivedAtMs'>;
      this.events.push({ ...body, receivedAtMs: Date.now() });
      channel.ack(message);
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}
