import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

const waitingEvents = metric(
  'consumer_waiting_events',
  () =>
    new Gauge({
      name: 'consumer_waiting_events',
      help: 'Events waiting behind a gap in their stream (or for the rest of their append), per queue',
      labelNames: ['queue'],
    }),
);

const oldestWaiting = metric(
  'consumer_waiting_oldest_seconds',
  () =>
    new Gauge({
      name: 'consumer_waiting_oldest_seconds',
      help: 'How long the oldest waiting event of the queue has waited',
      labelNames: ['queue'],
    }),
);

const gapTimeouts = metric(
  'consumer_gap_timeouts_total',
  () =>
    new Counter({
      name: 'consumer_gap_timeouts_total',
      help: 'Gaps reported as GAP_TIMEOUT (a predecessor never arrived in time), per queue',
      labelNames: ['queue'],
    }),
);

const waited = metric(
  'consumer_waited_seconds',
  () =>
    new Histogram({
      name: 'consumer_waited_seconds',
      help: 'How long an event waited behind its gap before it was applied, per queue',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600],
    }),
);

export const waitingMetrics = {
  observeWaiting(queue: string, events: number, oldestSeconds: number): void {
    waitingEvents.set({ queue }, events);
    oldestWaiting.set({ queue }, oldestSeconds);
  },
  gapTimedOut(queue: string): void {
    gapTimeouts.inc({ queue });
  },
  applied(queue: string, receivedAt: readonly Date[]): void {
    const now = Date.now();
    for (const at of receivedAt) waited.observe({ queue }, Math.max(0, (now - new Date(at).getTime()) / 1000));
  },
};
