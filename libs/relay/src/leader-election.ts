import { jitteredMs } from '@app/async';
import { pgClientSafety, pgServerSafetyOptions } from '@app/eventstore';
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
  /** How often the leader proves its session alive. */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat (or a connect) may take before the leader steps down. */
  heartbeatTimeoutMs?: number;
}

/**
 * Leadership through a session-level PostgreSQL advisory lock on a dedicated connection: when the
 * leader dies its connection closes and the server releases the lock, so a standby retrying every
 * `retryIntervalMs` (jittered: between half and all of it) takes over within about that long. No
 * cluster membership is needed.
 *
 * A leader cut off without a FIN or RST is bounded on both ends, so that the two never overlap:
 * - the leader holds a lease renewed by each answered heartbeat, and steps down once it has had no
 *   answer for `heartbeatIntervalMs + heartbeatTimeoutMs`;
 * - the server ends the session (and so releases the lock) after `sessionIdleTimeoutMs` without a
 *   query, which is longer than that lease, so the old leader has stopped before a standby starts.
 */
export class LeaderElection extends EventEmitter {
  private readonly logger: Logger;
  private readonly retryIntervalMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatTimeoutMs: number;
  private client?: Client;
  private leader = false;
  private leaseUntil = 0;
  private stopped = true;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.logger = new Logger(`Leadership:${options.lockKey}`);
    this.retryIntervalMs = options.retryIntervalMs ?? 1_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3_000;
  }

  /** Leader, and the lease is current (a stalled event loop cannot outlive it unnoticed). */
  get isLeader(): boolean {
    return this.leader && Date.now() < this.leaseUntil;
  }

  /** How long the server keeps a silent session, and so the lock: twice the lease, at least 6 s. */
  get sessionIdleTimeoutMs(): number {
    const lease = Math.max(this.heartbeatIntervalMs, this.retryIntervalMs) + this.heartbeatTimeoutMs;
    return Math.max(6_000, 2 * lease);
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
      const askedAt = Date.now();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        this.options.lockKey,
      ]);
      if (rows[0].locked && !this.stopped) {
        if (this.options.listenChannel) await client.query(`LISTEN "${this.options.listenChannel}"`);
        this.renewLease(askedAt);
        this.setLeader(true);
        this.schedule(() => this.heartbeat(client), this.heartbeatIntervalMs);
        return;
      }
    } catch (error) {
      this.logger.warn(`leadership check failed: ${(error as Error).message}`);
      this.dropClient();
    }
    this.schedule(() => this.attempt(), jitteredMs(this.retryIntervalMs));
  }

  /** The lock lives as long as the session, so an answered query proves it is still held. */
  private async heartbeat(client: Client): Promise<void> {
    if (this.stopped || this.client !== client) return;
    const askedAt = Date.now();
    try {
      await client.query('SELECT 1');
      this.renewLease(askedAt);
      this.schedule(() => this.heartbeat(client), this.heartbeatIntervalMs);
    } catch (error) {
      if (this.client !== client) return;
      this.logger.warn(`leadership heartbeat failed, stepping down: ${(error as Error).message}`);
      this.dropClient();
      this.schedule(() => this.attempt(), jitteredMs(this.retryIntervalMs));
    }
  }

  // Measured from when the heartbeat was sent: the server saw the session alive no earlier.
  private renewLease(askedAt: number): void {
    this.leaseUntil = askedAt + this.heartbeatIntervalMs + this.heartbeatTimeoutMs;
  }

  private schedule(next: () => Promise<void>, delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => void next(), delayMs);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      ...pgClientSafety({ connectTimeoutMs: this.heartbeatTimeoutMs, queryTimeoutMs: this.heartbeatTimeoutMs }),
      application_name: `leader:${this.options.lockKey}`.slice(0, 63),
      options: `${pgServerSafetyOptions()} -c idle_session_timeout=${this.sessionIdleTimeoutMs}`,
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client));
    client.on('notification', () => this.emit('notify'));
    try {
      await client.connect();
    } catch (error) {
      // A connect that timed out may leave a half-open socket behind.
      void client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private onConnectionLost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.logger.warn(`leadership connection lost${error ? `: ${error.message}` : ''}`);
    this.dropClient();
    this.schedule(() => this.attempt(), jitteredMs(this.retryIntervalMs));
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
    if (!leader) this.leaseUntil = 0;
    const role = this.options.role ?? 'relay';
    this.logger.log(leader ? `became the active ${role}` : `is no longer the active ${role}`);
    this.emit(leader ? 'elected' : 'deposed');
  }
}
