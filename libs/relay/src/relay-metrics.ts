import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** The relay's Prometheus metrics, shared by every relay in the process (labelled by producer). */
export const relayMetrics = {
  published: metric(
    'relay_events_published_total',
    () =>
      new Counter({
        name: 'relay_events_published_total',
        help: 'Events confirmed by the broker, per queue',
        labelNames: ['producer', 'queue'],
      }),
  ),
  publishSeconds: metric(
    'relay_publish_batch_seconds',
    () =>
      new Histogram({
        name: 'relay_publish_batch_seconds',
        help: 'Time from publishing a batch to the broker confirming all of it',
        labelNames: ['producer', 'queue'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      }),
  ),
  failures: metric(
    'relay_destination_failures_total',
    () =>
      new Counter({
        name: 'relay_destination_failures_total',
        help: 'Failed deliveries to a queue (each followed by a backoff)',
        labelNames: ['producer', 'queue'],
      }),
  ),
  lagEvents: metric(
    'relay_lag_events',
    () =>
      new Gauge({ name: 'relay_lag_events', help: 'Committed events not yet confirmed into the queue', labelNames: ['producer', 'queue'] }),
  ),
  lagSeconds: metric(
    'relay_lag_seconds',
    () =>
      new Gauge({
        name: 'relay_lag_seconds',
        help: 'Age of the oldest event not yet confirmed into the queue',
        labelNames: ['producer', 'queue'],
      }),
  ),
  frontierHeldSeconds: metric(
    'relay_frontier_held_seconds',
    () =>
      new Gauge({
        name: 'relay_frontier_held_seconds',
        help: 'How long committed events have waited behind an older open transaction',
        labelNames: ['producer'],
      }),
  ),
  frontierHoldWarnings: metric(
    'relay_frontier_hold_warnings_total',
    () =>
      new Counter({
        name: 'relay_frontier_hold_warnings_total',
        help: 'Warnings that the commit frontier has been held past the threshold',
        labelNames: ['producer'],
      }),
  ),
  leader: metric(
    'relay_is_leader',
    () =>
      new Gauge({ name: 'relay_is_leader', help: '1 when this process runs the active relay of the producer', labelNames: ['producer'] }),
  ),
};
