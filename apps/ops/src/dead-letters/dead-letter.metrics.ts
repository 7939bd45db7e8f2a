import { Counter, Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Headers } from '@app/contracts';
import { PARKED } from '@app/messaging';

const replayed = (): Counter<'queue'> =>
  (register.getSingleMetric('ops_dead_letters_replayed_total') as Counter<'queue'> | undefined) ??
  new Counter({
    name: 'ops_dead_letters_replayed_total',
    help: 'Dead letters replayed (broker confirmed), per queue',
    labelNames: ['queue'],
  });
const archived = (): Counter<'queue'> =>
  (register.getSingleMetric('ops_dead_letters_archived_total') as Counter<'queue'> | undefined) ??
  new Counter({ name: 'ops_dead_letters_archived_total', help: 'Dead letters archived by an operator, per queue', labelNames: ['queue'] });

/** Counters of operator actions on dead letters, incremented once the action is committed. */
export const deadLetterActions = {
  replayed: (queue: string, count: number) => count > 0 && replayed().inc({ queue }, count),
  archived: (queue: string, count: number) => count > 0 && archived().inc({ queue }, count),
};

/**
 * `ops_dead_letters{queue,code,status}` and `ops_parked_streams{queue}`, counted in Ops' tables at
 * scrape time: Ops drains every DLQ, so the broker's queue depths read about 0 whatever piles up
 * here. Labels are bounded: queues and error codes are finite sets, never stream or message ids.
 * Absent from a scrape while the database does not answer, rather than a stale 0.
 */
export function registerDeadLetterMetrics(dataSource: DataSource, schema: string): void {
  replayed();
  archived();
  const table = `"${schema}".dead_letters`;
  register.removeSingleMetric('ops_dead_letters');
  new Gauge({
    name: 'ops_dead_letters',
    help: 'Dead letters stored by Ops, per queue, error code and status (dead, replayed, archived, superseded)',
    labelNames: ['queue', 'code', 'status'],
    async collect() {
      this.reset();
      const rows: { queue: string; code: string; status: string; count: number }[] = await dataSource
        .query(`SELECT queue, error_code AS code, status, count(*)::int AS count FROM ${table} GROUP BY 1, 2, 3`)
        .catch(() => []);
      for (const row of rows) this.set({ queue: row.queue, code: row.code, status: row.status }, row.count);
    },
  });
  register.removeSingleMetric('ops_parked_streams');
  new Gauge({
    name: 'ops_parked_streams',
    help: 'Streams with events parked behind a dead letter, per queue',
    labelNames: ['queue'],
    async collect() {
      this.reset();
      const rows: { queue: string; count: number }[] = await dataSource
        .query(
          `SELECT queue, count(DISTINCT headers->>$2)::int AS count FROM ${table}
            WHERE status = 'dead' AND error_code = $1 GROUP BY queue`,
          [PARKED, Headers.streamId],
        )
        .catch(() => []);
      for (const row of rows) this.set({ queue: row.queue }, row.count);
    },
  });
}
