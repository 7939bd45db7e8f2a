import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import { EventEmitter } from 'node:events';

export interface AmqpConnectionOptions {
  url: string;
  /** A name that shows in the broker's connection list and in our logs. */
  name: string;
  heartbeatSeconds?: number;
  maxReconnectDelayMs?: number;
}

type SetupStep = (connection: amqp.ChannelModel) => Promise<void>;

/**
 * One AMQP connection that reconnects by itself with capped backoff. Users register setup steps
 * (declare topology, start consumers); they run on every (re)connection, so a broker restart
 * leaves nothing undeclared and no consumer silently gone.
 */
export class AmqpConnection extends EventEmitter {
  private readonly logger: Logger;
  private connection?: amqp.ChannelModel;
  private readonly setupSteps: SetupStep[] = [];
  private closing = false;
  private connecting?: Promise<void>;
  private cancelRetryWait?: () => void;

  constructor(private readonly options: AmqpConnectionOptions) {
    super();
    this.logger = new Logger(`Amqp:${options.name}`);
  }

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  /** Connects, retrying until it succeeds or the connection is closed. */
  start(): Promise<void> {
    this.closing = false;
    this.connecting ??= this.connectWithRetry().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Registers a step run now (when connected) and after every reconnection. */
  async onConnected(step: SetupStep): Promise<void> {
    this.setupSteps.push(step);
    if (this.connection) await step(this.connection);
  }

  removeSetup(step: SetupStep): void {
    const index = this.setupSteps.indexOf(step);
    if (index >= 0) this.setupSteps.splice(index, 1);
  }

  /** The live connection; throws while the broker is unreachable. */
  current(): amqp.ChannelModel {
    if (!this.connection) throw new Error('RabbitMQ connection is not available');
    return this.connection;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.cancelRetryWait?.();
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private async connectWithRetry(): Promise<void> {
    let delay = 250;
    while (!this.closing) {
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        this.logger.warn(`RabbitMQ unreachable (${(error as Error).message}); retrying in ${delay} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.cancelRetryWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.cancelRetryWait = undefined;
        delay = Math.min(delay * 2, this.options.maxReconnectDelayMs ?? 5_000);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    // amqplib reads the heartbeat from the URL only; without it a dead peer goes unnoticed.
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    const connection = await amqp.connect(url.toString(), {
      clientProperties: { connection_name: this.options.name },
      // Nagle's algorithm would hold small frames (a lone publish, an ack) back for tens of ms.
      noDelay: true,
      timeout: 10_000,
    });
    connection.on('error', (error: Error) => this.logger.warn(`connection error: ${error.message}`));
    connection.on('close', () => this.onClosed(connection));
    if (this.closing) {
      // close() was called while we were connecting: do not leave a connection nobody owns.
      await connection.close().catch(() => undefined);
      return;
    }
    this.connection = connection;
    try {
      for (const step of this.setupSteps) await step(connection);
    } catch (error) {
      this.connection = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.logger.log('connected to RabbitMQ');
    this.emit('connected', connection);
  }

  private onClosed(connection: amqp.ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.emit('disconnected');
    if (this.closing) return;
    this.logger.warn('connection to RabbitMQ lost; reconnecting');
    void this.start();
  }
}
