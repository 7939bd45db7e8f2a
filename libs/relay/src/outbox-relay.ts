import { jitteredMs } from '@app/async';
import { CommitSignal } from '@app/eventstore';
import { pgClientSafety, pgServerSafetyOptions } from '@app/postgres';
import { AmqpConnection, ConfirmPublisher, declareQueues, producerExchange } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { BatchTrace, wallClockMs } from './delivery-run';
import { FrontierMonitor } from './frontier-monitor';
import { LeaderElection } from '@app/postgres';
import { toOutgoingMessages } from './outbox-message';
import { relayMetrics } from './relay-metrics';
import { SubscriptionAdmin } from './subscription-admin';
import { SubscriptionStore } from './subscription-store';
import { SubscriptionWorker, WorkerSettings } from './subscription-worker';
import { SubscriptionWorkers } from './subscription-workers';
import { describeAhead, transactionIdsAhead } from './transaction-id-rebase';
import { WakeSignal } from '@app/async';

export interface RelayRoute {
  queue: string;
  eventTypes: readonly string[] | null;
}

export interface OutboxRelayOptions {
  databaseUrl: string;
  /** The producer's schema, holding its events and subscriptions. */
  schema: string;
  producer: string;
  connection: AmqpConnection;
  /**
   * A broker connection of its own for the subscriptions that backfill at a pace, which the relay
   * starts and closes. On the shared one a live event of another subscription waited behind every
   * backfill frame already written to the socket, and the broker's flow control on the connection
   * held both alike. Without it backfills publish on `connection`.
   */
  backfillConnection?: AmqpConnection;
  routes: readonly RelayRoute[];
  batchSize?: number;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  /** How often lag is measured. */
  monitorIntervalMs?: number;
  /** How often the commit frontier is checked, and after how long a hold is logged as a warning. */
  frontierCheckIntervalMs?: number;
  frontierWarnAfterMs?: number;
  /** How often a standby tries to take the leadership lock. */
  leaderRetryIntervalMs?: number;
  /**
   * Batches' worth of messages published ahead while earlier ones await confirms (default 8). A
   * steady load must never wait for this window: at 5,000 events/s with confirms taking half a
   * second on a loaded machine, two batches of 500 (the former default) held the relay to about
   * 2,000 events/s and built a backlog the broker did not have.
   */
  pipelineDepth?: number;
  /** The signal this process's appends go through: while leading, the relay is woken by it directly. */
  commitSignal?: CommitSignal;
  /** Stage times for a benchmark's latency breakdown: every wake-up (a NOTIFY or a local commit) and every confirmed batch. */
  trace?: RelayTrace;
}

export interface RelayTrace {
  woken(at: number): void;
  batch(batch: BatchTrace): void;
}

/**
 * Moves a producer's committed events into its consumers' queues. Every process of the service
 * runs one; the advisory lock lets exactly one of them deliver at a time.
 */
/** Events of one stream read and published at a time by a per-stream rewind. */
const REDELIVERY_PAGE = 500;

export class OutboxRelay {
  readonly admin: SubscriptionAdmin;
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly store: SubscriptionStore;
  private readonly election: LeaderElection;
  private readonly frontier: FrontierMonitor;
  private readonly wake = new WakeSignal();
  /** Bumped whenever an operator changes a subscription here: a run idling for new commits ends and loads it again. */
  private readonly changes = new WakeSignal();
  private readonly workers: SubscriptionWorkers;
  private readonly declareTopology = (connection: Parameters<typeof declareQueues>[0]) =>
    declareQueues(
      connection,
      this.options.routes.map((route) => route.queue),
    );
  private endLocalWakes?: () => void;
  private monitorTimer?: NodeJS.Timeout;
  private frontierTimer?: NodeJS.Timeout;
  private restoredTimer?: NodeJS.Timeout;
  private refused?: string;
  private stopping = false;
  private competing = false;
  private readonly onBrokerConnected = () => this.workers.retryNow();
  private readonly subscriptionsChanged = () => {
    this.changes.wake();
    void this.workers.sync();
    this.wake.wake();
    if (this.refused) void this.competeUnlessRestored();
  };

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = new Logger(`Relay:${options.producer}`);
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      // Per destination one connection reads while another moves the cursor; two more for the monitors,
      // and room for a few subscriptions registered at run time (beyond them, destinations share).
      max: 2 * (options.routes.length + 2) + 2,
      application_name: `relay:${options.schema}`,
      // A partitioned relay's reads and cursor moves fail within seconds rather than hang.
      ...pgClientSafety({ queryTimeoutMs: 15_000 }),
      // A cursor update lost in a database crash only means re-publishing (consumers dedupe), so the
      // relay does not wait for the WAL flush on every batch; operator actions opt back in (SubscriptionAdmin).
      options: `-c synchronous_commit=off ${pgServerSafetyOptions()}`,
    });
    this.pool.on('error', (error) => this.logger.warn(`idle database connection failed: ${error.message}`));
    this.store = new SubscriptionStore(this.pool, options.schema);
    this.admin = new SubscriptionAdmin(
      this.pool,
      options.schema,
      this.subscriptionsChanged,
      options.routes.map((route) => route.queue),
    );
    this.frontier = new FrontierMonitor(this.pool, options.schema, options.producer, options.frontierWarnAfterMs);
    this.election = new LeaderElection({
      databaseUrl: options.databaseUrl,
      lockKey: `relay:${options.schema}`,
      listenChannel: `${options.schema}_events`,
      retryIntervalMs: options.leaderRetryIntervalMs,
    });
    const settings: WorkerSettings = {
      producer: options.producer,
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      pipelineDepth: options.pipelineDepth ?? 8,
      trace: options.trace ? (batch) => options.trace!.batch(batch) : undefined,
      changeGeneration: () => this.changes.generation,
    };
    this.workers = new SubscriptionWorkers(
      this.store,
      (queue) =>
        new SubscriptionWorker(
          queue,
          this.store,
          {
            live: new ConfirmPublisher(options.connection, undefined, producerExchange(options.producer)),
            backfill: options.backfillConnection
              ? new ConfirmPublisher(options.backfillConnection, undefined, producerExchange(options.producer))
              : undefined,
          },
          this.wake,
          () => this.election.isLeader,
          settings,
        ),
      (queue) => this.forgetLag(queue),
      this.logger,
    );
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  /** Why this relay refuses to deliver (a restored database), if it does. */
  get refusal(): string | undefined {
    return this.refused;
  }

  /**
   * Rewinds one stream of one subscription: publishes the stream's events from `fromVersion` into
   * that queue again, in version order, with the headers the relay gives them (previous version,
   * append). The consumer drops those it has and applies the rest, closing a gap it reported as
   * GAP_TIMEOUT. Any process may do it: it moves no cursor.
   */
  async redeliverStream(
    name: string,
    streamId: string,
    fromVersion: number,
  ): Promise<{ name: string; streamId: string; fromVersion: number; events: number }> {
    const publisher = new ConfirmPublisher(this.options.connection, undefined, producerExchange(this.options.producer));
    let events = 0;
    try {
      for (let after = 0; ;) {
        const rows = await this.admin.streamEvents(name, streamId, fromVersion, after, REDELIVERY_PAGE);
        if (rows.length === 0) break;
        await publisher.publish(name, toOutgoingMessages(this.options.producer, rows));
        events += rows.length;
        after = rows[rows.length - 1].stream_version;
        if (rows.length < REDELIVERY_PAGE) break;
      }
    } finally {
      await publisher.close().catch(() => undefined);
    }
    this.logger.log(`re-delivered ${events} event(s) of ${streamId} from version ${fromVersion} into ${name}`);
    return { name, streamId, fromVersion, events };
  }

  /** The commit frontier as this process sees it now, and whether the relay refuses to run. */
  async frontierView() {
    return {
      ...(await this.frontier.inspect()),
      warnAfterSeconds: (this.options.frontierWarnAfterMs ?? 5_000) / 1000,
      relayRefusal: this.refused ?? null,
    };
  }

  /** The transaction holding back the commit frontier, if any (see FrontierMonitor). */
  get frontierHold() {
    return this.frontier.current;
  }

  async start(): Promise<void> {
    await this.store.ensure(this.options.routes);
    await this.options.connection.onConnected(this.declareTopology);
    this.election.on('notify', () => this.wakeWorkers());
    this.election.on('elected', () => this.onLeadership(true));
    this.election.on('deposed', () => this.onLeadership(false));
    // A reconnected broker is news for every destination backing off because of the outage.
    this.options.connection.on('connected', this.onBrokerConnected);
    if (this.options.backfillConnection) {
      this.options.backfillConnection.on('connected', this.onBrokerConnected);
      // Not awaited: it retries on its own, and until it is up backfills back off like any unreachable destination.
      void this.options.backfillConnection.start();
    }
    // Subscriptions added or removed in another process of the service show up at the next monitor tick.
    await this.workers.sync();
    await this.competeUnlessRestored();
    this.monitorTimer = setInterval(() => void this.monitor(), this.options.monitorIntervalMs ?? 5_000);
    this.monitorTimer.unref();
    this.frontierTimer = setInterval(() => void this.checkFrontier(), this.options.frontierCheckIntervalMs ?? 1_000);
    this.frontierTimer.unref();
  }

  /** Stops delivering, lets the batches in flight finish, and gives up leadership. */
  async stop(): Promise<void> {
    clearInterval(this.monitorTimer);
    clearInterval(this.frontierTimer);
    clearTimeout(this.restoredTimer);
    this.stopping = true;
    this.options.connection.off('connected', this.onBrokerConnected);
    this.options.connection.removeSetup(this.declareTopology);
    await this.workers.stop();
    this.options.backfillConnection?.off('connected', this.onBrokerConnected);
    await this.options.backfillConnection?.close();
    await this.election.stop();
    this.endLocalWakes?.();
    await this.pool.end().catch(() => undefined);
  }

  /**
   * Competes for leadership unless the stored transaction ids are ahead of the server's (a
   * restore): then it delivers nothing, says so and how to fix it, and looks again now and then.
   */
  private async competeUnlessRestored(): Promise<void> {
    clearTimeout(this.restoredTimer);
    if (this.stopping || this.competing) return;
    let retryInMs = 2_000;
    try {
      const ahead = await transactionIdsAhead(this.pool, this.options.schema);
      if (!ahead) {
        if (this.refused) this.logger.log('transaction ids re-based; the relay runs again');
        this.refused = undefined;
        this.competing = true;
        this.election.start();
        return;
      }
      this.refused = describeAhead(this.options.schema, ahead);
      this.logger.error(`relay refuses to run: ${this.refused}`);
      retryInMs = 30_000;
    } catch (error) {
      this.logger.warn(`could not check the stored transaction ids: ${(error as Error).message}`);
    }
    this.restoredTimer = setTimeout(() => void this.competeUnlessRestored(), jitteredMs(retryInMs));
    this.restoredTimer.unref();
  }

  private onLeadership(leader: boolean): void {
    relayMetrics.leader.set({ producer: this.options.producer }, leader ? 1 : 0);
    // The new leader reports the frontier and the lag from now on; stale figures here would double them.
    if (!leader) {
      this.frontier.reset();
      for (const queue of this.workers.queues) this.forgetLag(queue);
    }
    this.endLocalWakes?.();
    this.endLocalWakes = leader ? this.options.commitSignal?.wakeOnLocalCommits(() => this.wakeWorkers()) : undefined;
    this.wake.wake();
    // Leadership regained after a database outage: destinations backing off because of it start now.
    if (leader) this.workers.retryNow();
  }

  /** New commits: every worker reads again. */
  private wakeWorkers(): void {
    this.options.trace?.woken(wallClockMs());
    this.wake.wake();
  }

  private forgetLag(queue: string): void {
    const labels = { producer: this.options.producer, queue };
    relayMetrics.lagEvents.remove(labels);
    relayMetrics.lagSeconds.remove(labels);
  }

  private async monitor(): Promise<void> {
    await this.workers.sync();
    if (!this.election.isLeader) return;
    try {
      for (const subscription of await this.admin.list()) {
        const labels = { producer: this.options.producer, queue: subscription.name };
        relayMetrics.lagEvents.set(labels, subscription.lagEvents);
        relayMetrics.lagSeconds.set(labels, subscription.lagSeconds);
      }
    } catch (error) {
      this.logger.warn(`could not measure lag: ${(error as Error).message}`);
    }
  }

  private async checkFrontier(): Promise<void> {
    if (!this.election.isLeader) return;
    try {
      await this.frontier.check();
    } catch (error) {
      this.logger.warn(`could not check the commit frontier: ${(error as Error).message}`);
    }
  }
}
