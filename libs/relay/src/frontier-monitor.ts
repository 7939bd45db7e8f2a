import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { relayMetrics } from './relay-metrics';

export interface FrontierHold {
  /** The oldest transaction still running, behind which committed events wait. */
  transactionId: string;
  since: Date;
  pid?: number;
  query?: string;
}

/**
 * Watches the commit frontier: when committed events wait behind an older open transaction, it
 * reports how long and which transaction, so a stalled relay is visible rather than silent.
 */
export class FrontierMonitor {
  private readonly logger: Logger;
  private hold?: FrontierHold;
  private lastWarning = 0;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly producer: string,
    private readonly warnAfterMs = 5_000,
  ) {
    this.logger = new Logger(`Frontier:${producer}`);
  }

  get current(): FrontierHold | undefined {
    return this.hold;
  }

  async check(): Promise<FrontierHold | undefined> {
    const { rows } = await this.pool.query<{ xmin: string; waiting: boolean }>(
      `SELECT x.xmin::text AS xmin,
              EXISTS (SELECT 1 FROM "${this.schema}".events WHERE transaction_id >= x.xmin) AS waiting
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) x`,
    );
    const { xmin, waiting } = rows[0];
    if (!waiting) {
      this.hold = undefined;
      relayMetrics.frontierHeldSeconds.set({ producer: this.producer }, 0);
      return undefined;
    }
    if (this.hold?.transactionId !== xmin) this.hold = { transactionId: xmin, since: new Date() };
    const heldMs = Date.now() - this.hold.since.getTime();
    relayMetrics.frontierHeldSeconds.set({ producer: this.producer }, heldMs / 1000);
    if (heldMs >= this.warnAfterMs && Date.now() - this.lastWarning >= this.warnAfterMs) {
      await this.describeHolder(this.hold);
      this.lastWarning = Date.now();
      this.logger.warn(
        `commit frontier held for ${Math.round(heldMs / 1000)} s by transaction ${xmin}` +
          (this.hold.pid ? ` (pid ${this.hold.pid}: ${this.hold.query})` : ''),
      );
    }
    return this.hold;
  }

  private async describeHolder(hold: FrontierHold): Promise<void> {
    // pg_stat_activity shows 32-bit xids; the low 32 bits of the xid8 identify the backend.
    const { rows } = await this.pool.query<{ pid: number; query: string }>(
      `SELECT pid, left(query, 120) AS query FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND backend_xid::text::bigint = ($1::text::numeric % 4294967296)::bigint`,
      [hold.transactionId],
    );
    hold.pid = rows[0]?.pid;
    hold.query = rows[0]?.query;
  }
}
