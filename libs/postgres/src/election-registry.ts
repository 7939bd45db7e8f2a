import { Gauge, register } from 'prom-client';

/** What readiness and the metrics show of one running election. */
export interface ElectionStatus {
  lockKey: string;
  role: string;
  phase: string;
  leader: boolean;
  /** Since the election last started a step (connect, lock request, heartbeat, close). */
  lastAttemptAgeMs: number;
  /** No step begun for longer than a healthy election ever waits. */
  stalled: boolean;
  stalledAfterMs: number;
}

interface Reporting {
  status(): ElectionStatus;
}

const running = new Set<Reporting>();

/** Every election of this process between its start and its stop. */
export function runningElections(): ElectionStatus[] {
  return [...running].map((election) => election.status());
}

export function trackElection(election: Reporting, tracked: boolean): void {
  if (tracked) running.add(election);
  else running.delete(election);
}

function gauge(name: string, help: string, value: (status: ElectionStatus) => number): Gauge {
  return (
    (register.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({
      name,
      help,
      labelNames: ['role', 'key'],
      // Read at scrape time, so a stalled election shows even though nothing in it runs any more.
      collect() {
        this.reset();
        for (const status of runningElections()) this.set({ role: status.role, key: status.lockKey }, value(status));
      },
    })
  );
}

gauge('leader_election_stalled', '1 when a running leader election has not begun a step for longer than it ever waits', (status) =>
  status.stalled ? 1 : 0,
);
gauge(
  'leader_election_last_attempt_age_seconds',
  'Seconds since a running leader election last asked for, renewed or gave up its lock',
  (status) => status.lastAttemptAgeMs / 1000,
);
