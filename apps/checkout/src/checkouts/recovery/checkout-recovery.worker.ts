import { PlatformConfig } from '@app/platform';
import { WakeSignal } from '@app/async';
import { LeaderElection } from '@app/postgres';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { CheckoutProcess } from '../process/checkout-process';
import { RecoveryOptions } from '../unfinished/recovery.options';
import { RECOVERY_OPTIONS } from '../unfinished/recovery.tokens';
import { UnfinishedCheckoutsRepository } from '../unfinished/unfinished-checkouts.repository';

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
 *
 * Its loop runs from bootstrap to shutdown and works only while this process leads, so no change
 * of leadership (a lease that lapses without a step-down, say) can leave a leader without a loop.
 */
@Injectable()
export class CheckoutRecoveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CheckoutRecovery');
  private readonly leadership: LeaderElection;
  private readonly stopping = new AbortController();
  private readonly wake = new WakeSignal();
  private loop?: Promise<void>;

  constructor(
    config: PlatformConfig,
    private readonly process: CheckoutProcess,
    private readonly unfinished: UnfinishedCheckoutsRepository,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {
    this.leadership = new LeaderElection({
      databaseUrl: config.databaseUrl,
      lockKey: 'checkout-recovery',
      role: 'checkout-recovery',
    });
    leaderGauge.set(0);
    this.leadership.on('elected', () => {
      leaderGauge.set(1);
      this.wake.wake();
    });
    this.leadership.on('deposed', () => leaderGauge.set(0));
  }

  onApplicationBootstrap(): void {
    this.leadership.start();
    this.loop ??= this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.wake.wake();
    await this.leadership.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    // Runs from bootstrap to shutdown and works only while leading: a lease gone stale (the process
    // was frozen past it) only skips rounds until the next heartbeat renews it, with no 'elected'.
    while (!this.stopping.signal.aborted) {
      const found = this.leadership.isLeader ? await this.round() : 0;
      if (found < this.options.batchSize && !this.stopping.signal.aborted) await this.wake.wait(this.options.intervalMs);
    }
  }

  /** Drives every due checkout once; answers how many were due. */
  private async round(): Promise<number> {
    try {
      const due = await this.unfinished.due(this.options.pendingAgeMs, this.options.batchSize);
      // Each run records its own failure and next attempt; one checkout's outage is not the batch's.
      await Promise.all(due.map((checkout) => this.process.recover(checkout.checkoutId).catch(() => undefined)));
      return due.length;
    } catch (error) {
      this.logger.warn(`looking for unfinished checkouts failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
