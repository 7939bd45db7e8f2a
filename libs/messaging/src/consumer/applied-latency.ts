import { Histogram, Summary, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

const histogram = metric(
  'consumer_commit_to_applied_seconds',
  () =>
    new Histogram({
      name: 'consumer_commit_to_applied_seconds',
      help: "From an event's recorded_at at its producer to the commit of this consumer's inbox row, per queue",
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    }),
);

// The same figures over the last five minutes, for the p50 and p99 the Ops subscriptions view shows.
const recent = metric(
  'consumer_commit_to_applied_recent_seconds',
  () =>
    new Summary({
      name: 'consumer_commit_to_applied_recent_seconds',
      help: 'consumer_commit_to_applied_seconds over the last five minutes, as quantiles',
      labelNames: ['queue'],
      percentiles: [0.5, 0.99],
      maxAgeSeconds: 300,
      ageBuckets: 5,
    }),
);

/** Records, once the inbox rows of `occurredAt`'s events have committed, how long each took end to end. */
export function observeApplied(queue: string, occurredAt: readonly string[]): void {
  const now = Date.now();
  for (const at of occurredAt) {
    const seconds = Math.max(0, (now - Date.parse(at)) / 1000);
    if (!Number.isFinite(seconds)) continue;
    histogram.observe({ queue }, seconds);
    recent.observe({ queue }, seconds);
  }
}

/** Commit-to-applied latency per queue over the last five minutes; p50 and p99 are null without samples. */
export interface AppliedLatency {
  queue: string;
  p50Seconds: number | null;
  p99Seconds: number | null;
  samples: number;
}

/** This process's queues with their recent commit-to-applied latency. */
export async function appliedLatencyByQueue(): Promise<AppliedLatency[]> {
  const byQueue = new Map<string, AppliedLatency>();
  const entry = (queue: string) => {
    const found = byQueue.get(queue) ?? { queue, p50Seconds: null, p99Seconds: null, samples: 0 };
    byQueue.set(queue, found);
    return found;
  };
  for (const value of (await recent.get()).values) {
    const labels = value.labels as Record<string, string | number | undefined>;
    const queue = String(labels.queue);
    const finite = Number.isFinite(value.value) ? value.value : null;
    if (labels.quantile === 0.5) entry(queue).p50Seconds = finite;
    else if (labels.quantile === 0.99) entry(queue).p99Seconds = finite;
    else if (value.metricName?.endsWith('_count')) entry(queue).samples = value.value;
  }
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}
