import { backoffMs } from '@app/async';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import { EventEmitter } from 'node:events';

export interface AmqpConnectionOptions {
  /** One node's URL, or a comma-separated list of a cluster's nodes to fail over between. */
  url: string;
  /** A name that shows in the broker's connection list and in our logs. */
  name: string;
  heartbeatSeconds?: number;
  maxReconnectDelayMs?: number;
}

type SetupStep = (connection: amqp.ChannelModel) => Promise<void>;

/** The node URLs of `AMQP_URL`: one, or a comma-separated list naming a cluster's nodes. */
export function brokerNodeUrls(url: string): string[] {
  const nodes = url
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0);
  if (nodes.length === 0) throw new Error('AMQP_URL names no broker node');
  return nodes;
}

/** A node's address without its credentials, for logs. */
const nodeLabel = (url: string): string => {
  const { host, pathname } = new URL(url);
  return `${host}${pathname.length > 1 ? pathname : ''}`;
};

/**
 * One AMQP connection that reconnects by itself with capped backoff. Users register setup steps
 * (declare topology, start consumers); they run on every (re)connection, so a broker restart
 * leaves nothing undeclared and no consumer silently gone.
 *
 * Given several nodes, it connects to one and, when that one dies, moves to the next live one at
 * once: the setup steps then re-create channels and consumers there. Backoff applies only once
 * every node has refused.
 */
export class AmqpConnection extends EventEmitter {
  private readonly logger: Logger;
  private connection?: amqp.ChannelModel;
  private readonly setupSteps: SetupStep[] = [];
  private closing = false;
  private connecting?: Promise<void>;
  private cancelRetryWait?: () => void;
  private readonly nodes: string[];
  /** The node tried next; after a loss it is the one after the node that died. */
  private nextNode = 0;
  private connectedNode?: string;

  constructor(private readonly options: AmqpConnectionOptions) {
    super();
    this.logger = new Logger(`Amqp:${options.name}`);
    this.nodes = brokerNodeUrls(options.url);
    // Instances given the same list spread over the nodes instead of all landing on the first.
    this.nextNode = Math.floor(Math.random() * this.nodes.length);
  }

  /** The node this connection is on (host:port, no credentials), or undefined while disconnected. */
  get node(): string | undefined {
    return this.connection ? this.connectedNode : undefined;
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
    // The one backoff of the repository: jittered, so services that lost the broker together do not return together.
    const policy = { baseMs: 250, capMs: this.options.maxReconnectDelayMs ?? 5_000 };
    for (let rounds = 1; !this.closing; rounds++) {
      const failures: string[] = [];
      for (let tried = 0; tried < this.nodes.length && !this.closing; tried++) {
        const url = this.nodes[this.nextNode];
        this.nextNode = (this.nextNode + 1) % this.nodes.length;
        try {
          await this.connectOnce(url);
          return;
        } catch (error) {
          failures.push(`${nodeLabel(url)}: ${(error as Error).message}`);
        }
      }
      if (this.closing) return;
      const delay = backoffMs(rounds, policy);
      this.logger.warn(`RabbitMQ unreachable (${failures.join('; ')}); retrying in ${delay} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.cancelRetryWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.cancelRetryWait = undefined;
    }
  }

  private async connectOnce(nodeUrl: string): Promise<void> {
    // amqplib reads the heartbeat from the URL only; without it a dead peer goes unnoticed.
    const url = new URL(nodeUrl);
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
    this.connectedNode = nodeLabel(nodeUrl);
    try {
      for (const step of this.setupSteps) await step(connection);
    } catch (error) {
      this.connection = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.logger.log(`connected to RabbitMQ at ${this.connectedNode}`);
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
