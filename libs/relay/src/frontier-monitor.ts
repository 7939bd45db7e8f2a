import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { relayMetrics } from './relay-metrics';
import { COMMIT_FRONTIER_SQL } from './subscription-store';

export interface FrontierHold {
  /** The oldest transaction still running, behind which committed events wait. */
  transactionId: string;
  /** When this monitor first saw committed events waiting behind that transaction. */
  since: Date;
  /** How long the frontier has been held, as of the latest check. */
  heldSeconds: number;
  pid?: number;
  query?: string;
  /** When the holding transaction began, if its backend could be found. */
  transactionStartedAt?: Date;
  database?: string;
}

/** The commit frontier for operators; the holder's fields are null when its backend cannot be seen. */
export type FrontierView =
  | { held: false }
  | { held: true; transactionId: string; heldSeconds: number | null; pid: number | null; query: string | null; database: string | null };

// Waiting = committed (visible) events at or past the frontier: the relay may not read them yet.
// The newest transaction id comes off the commit-order index's end; `EXISTS (… >= x.xmin)` was
// planned as a sequential scan that, with nothing waiting, read the whole table every second.
const WAITING_SQL = (schema: string) => `SELECT x.xmin::text AS xmin,
        coalesce((SELECT max(transaction_id) FROM "${schema}".events) >= x.xmin, false) AS waiting
   FROM (SELECT ${COMMIT_FRONTIER_SQL} AS xmin) x`;

interface HolderRow {
  pid: number;
  query: string;
  xact_start: Date | null;
  datname: string | null;
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

  /** Forgets the hold and zeroes the gauge: a process that no longer leads no longer watches. */
  reset(): void {
    this.hold = undefined;
    this.lastWarning = 0;
    relayMetrics.frontierHeldSeconds.set({ producer: this.producer }, 0);
  }

  /**
   * The frontier as any process (leader or not) sees it now, for the operator view: held or not,
   * by which transaction, backend and query, and for how long (since that transaction began).
   */
  async inspect(): Promise<FrontierView> {
    const { rows } = await this.pool.query<{ xmin: string; waiting: boolean }>(WAITING_SQL(this.schema));
    if (!rows[0].waiting) return { held: false };
    const holder = await this.describeHolder(rows[0].xmin);
    const since = holder.transactionStartedAt ?? this.hold?.since;
    return {
      held: true,
      transactionId: rows[0].xmin,
      heldSeconds: since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : null,
      pid: holder.pid ?? null,
      query: holder.query ?? null,
      database: holder.database ?? null,
    };
  }

  async check(): Promise<FrontierHold | undefined> {
    const { rows } = await this.pool.query<{ xmin: string; waiting: boolean }>(WAITING_SQL(this.schema));
    const { xmin, waiting } = rows[0];
    if (!waiting) {
      if (this.hold) {
        this.logger.log(`commit frontier released after ${this.hold.heldSeconds.toFixed(1)} s (transaction ${this.hold.transactionId})`);
      }
      this.hold = undefined;
      this.lastWarning = 0;
      relayMetrics.frontierHeldSeconds.set({ producer: this.producer }, 0);
      return undefined;
    }
    if (this.hold?.transactionId !== xmin) {
      this.hold = { transactionId: xmin, since: new Date(), heldSeconds: 0, ...(await this.describeHolder(xmin)) };
    }
    const heldMs = Date.now() - this.hold.since.getTime();
    this.hold.heldSeconds = heldMs / 1000;
    relayMetrics.frontierHeldSeconds.set({ producer: this.producer }, this.hold.heldSeconds);
    if (heldMs >= this.warnAfterMs && Date.now() - this.lastWarning >= this.warnAfterMs) {
      this.lastWarning = Date.now();
      relayMetrics.frontierHoldWarnings.inc({ producer: this.producer });
      this.logger.warn(describe(this.hold));
    }
    return this.hold;
  }

  private async describeHolder(transactionId: string): Promise<Partial<FrontierHold>> {
    // pg_stat_activity shows 32-bit xids; the low 32 bits of the xid8 identify the backend.
    const { rows } = await this.pool.query<HolderRow>(
      `SELECT pid, left(query, 120) AS query, xact_start, datname FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND backend_xid::text::bigint = ($1::text::numeric % 4294967296)::bigint`,
      [transactionId],
    );
    const holder = rows[0];
    if (!holder) return {};
    return {
      pid: holder.pid,
      query: holder.query,
      transactionStartedAt: holder.xact_start ?? undefined,
      database: holder.datname ?? undefined,
    };
  }
}

function describe(hold: FrontierHold): string {
  const openFor = hold.transactionStartedAt ? `, open for ${Math.round((Date.now() - hold.transactionStartedAt.getTime()) / 1000)} s` : '';
  // No query text: an administrator's ad hoc statement may hold personal data; Ops' view shows it to operators.
  const backend = hold.pid ? ` (pid ${hold.pid} in database ${hold.database}${openFor})` : '';
  return `commit frontier held for ${hold.heldSeconds.toFixed(1)} s by transaction ${hold.transactionId}${backend}; later events wait`;
}
