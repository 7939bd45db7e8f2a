import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Client } from 'pg';

export interface LeaderElectionOptions {
  databaseUrl: string;
  /** Everything that competes for the same key competes for the same leadership. */
  lockKey: string;
  /** A NOTIFY channel the leader listens on, reported as 'notify' events. */
  listenChannel?: string;
  retryIntervalMs?: number;
  /** What the leader is, for the log: 'relay' unless told. */
  role?: string;
}

/**
 * Leadership through a session-level PostgreSQL advisory lock on a dedicated connection: when the
 * leader dies its connection closes and the server releases the lock, so a standby retrying every
 * `retryIntervalMs` takes over within about that long. No cluster membership is needed.
 */
export class LeaderElection extends EventEmitter {
  private readonly logger: Logger;
  private client?: Client;
  private leader = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.logger = new Logger(`Leadership:${options.lockKey}`);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.setLeader(false);
    // Ending the session releases the lock.
    await client?.end().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [this.options.lockKey],
      );
      if (rows[0].locked && !this.stopped) {
        if (this.options.listenChannel) await client.query(`LISTEN "${this.options.listenChannel}"`);
        this.setLeader(true);
        return;
      }
    } catch (error) {
      this.logger.warn(`leadership check failed: ${(error as Error).message}`);
      this.dropClient();
    }
    this.timer = setTimeout(() => void this.attempt(), this.options.retryIntervalMs ?? 1_000);
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.options.databaseUrl, keepAlive: true });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client));
    client.on('notification', () => this.emit('notify'));
    await client.connect();
    this.client = client;
    return client;
  }

  private onConnectionLost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.logger.warn(`leadership connection lost${error ? `: ${error.message}` : ''}`);
    this.dropClient();
    if (!this.stopped) this.timer = setTimeout(() => void this.attempt(), this.options.retryIntervalMs ?? 1_000);
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    this.setLeader(false);
    void client?.end().catch(() => undefined);
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    const role = this.options.role ?? 'relay';
    this.logger.log(leader ? `became the active ${role}` : `is no longer the active ${role}`);
    this.emit(leader ? 'elected' : 'deposed');
  }
}
