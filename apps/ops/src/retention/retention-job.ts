import { Logger } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { RetentionSettings } from './retention-settings';
import { RetentionRepository } from './retention.repository';

export type PurgedKind = 'dead_letter' | 'operator_action';

const purgedTotal = (): Counter<'kind'> =>
  (register.getSingleMetric('ops_retention_purged_total') as Counter<'kind'> | undefined) ??
  new Counter({
    name: 'ops_retention_purged_total',
    help: 'Rows the retention job deleted, per kind (dead_letter: resolved dead letters; operator_action: the audit log)',
    labelNames: ['kind'],
  });

/** Rows deleted per statement: each batch commits on its own, so a big first purge never holds a long transaction. */
const BATCH = 1_000;

/**
 * Purges what Ops no longer needs to keep: resolved dead letters and operator actions older than
 * their retentions (RetentionSettings), at start and then every interval. Several Ops processes
 * may run it at once: a row deleted by one is simply not found by the other.
 */
export class RetentionJob {
  private readonly logger = new Logger('RetentionJob');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RetentionRepository,
    private readonly settings: RetentionSettings,
  ) {
    for (const kind of ['dead_letter', 'operator_action'] as const) purgedTotal().inc({ kind }, 0);
  }

  /** One purge, to the end; answers how many of each kind went. */
  async run(): Promise<Record<PurgedKind, number>> {
    const deadLetters = await this.purge('dead_letter', (batch) =>
      this.repository.purgeResolvedDeadLetters(this.dataSource.manager, this.settings.deadLetterDays, batch),
    );
    const operatorActions = await this.purge('operator_action', (batch) =>
      this.repository.purgeOperatorActions(this.dataSource.manager, this.settings.operatorActionDays, batch),
    );
    if (deadLetters + operatorActions > 0) {
      this.logger.log(`retention purged ${deadLetters} resolved dead letter(s) and ${operatorActions} operator action(s)`);
    }
    return { dead_letter: deadLetters, operator_action: operatorActions };
  }

  start(): void {
    const tick = () => {
      this.running = this.run().catch((error: Error) =>
        this.logger.warn(`retention purge failed, next try in an interval: ${error.message}`),
      );
    };
    tick();
    this.timer = setInterval(tick, this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async purge(kind: PurgedKind, batchOf: (batch: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const purged = await batchOf(BATCH);
      purgedTotal().inc({ kind }, purged);
      total += purged;
      if (purged < BATCH) return total;
    }
  }
}
