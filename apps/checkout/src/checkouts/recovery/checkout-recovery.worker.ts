import { PlatformConfig } from '@app/platform';
import { LeaderElection } from '@app/relay';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge, register } from 'prom-client';
import { CheckoutProcess } from '../process/checkout-process';
import { RecoveryOptions } from './recovery.options';
import { RECOVERY_OPTIONS } from './recovery.tokens';
import { UnfinishedCheckoutsRepository } from './unfinished-checkouts.repository';

const LEADER = 'checkout_recovery_leader';
const leaderGauge: Gauge =
  (register.getSingleMetric(LEADER) as Gauge | undefined) ??
  new Gauge({ name: LEADER, help: '1 while this process runs the checkout recovery worker' });

/**
 * Finishes checkouts nobody is driving any more: those whose request answered 202 or whose process
 * died. One instance per deployment is active, elected like the relay (an advisory lock on a
 * dedicated connection), so a dead leader's checkouts are taken over within about a second.
 * It resumes each due checkout through the same process a request uses: the step is retried after
 * a look-up of its outcome, or, past the deadline, the checkout is compensated.
 */
@Injectable()
export class CheckoutRecoveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CheckoutRecovery');
  private readonly leadership: LeaderElection;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private elected = false;

  constructor(
    config: PlatformConfig,
    private readonly process: CheckoutProcess,
    private readonly unfinished: UnfinishedCheckoutsRepository,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {
    this.leadership = new LeaderElection({
      databaseUrl: config.databaseUrl,
      lockKey: 'checkout-recovery',
      role: 'checkout recovery worker',
    });
    leaderGauge.set(0);
    this.leadership.on('elected', () => {
      this.elected = true;
      leaderGauge.set(1);
      this.loop ??= this.run().finally(() => (this.loop = undefined));
    });
    this.leadership.on('deposed', () => {
      this.elected = false;
      leaderGauge.set(0);
    });
  }

  onApplicationBootstrap(): void {
    this.leadership.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.leadership.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    // Runs until deposed. A lease gone stale (the process was frozen past it) only skips rounds
    // until the next heartbeat renews it: no 'elected' follows, so leaving the loop would leave the
    // lock held by a process that runs no worker.
    while (this.elected && !this.stopping.signal.aborted) {
      const found = this.leadership.isLeader ? await this.round() : 0;
      if (found < this.options.batchSize)
        await sleep(this.options.intervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Drives every due checkout once; answers how many were due. */
  private async round(): Promise<number> {
    try {
      const due = await this.unfinished.due(this.options.pendingAgeMs, this.options.batchSize);
      // Each run records its own failure and next attempt; one checkout's outage is not the batch's.
      await Promise.all(due.map((checkout) => this.process.resume(checkout.checkoutId).catch(() => undefined)));
      return due.length;
    } catch (error) {
      this.logger.warn(`looking for unfinished checkouts failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
