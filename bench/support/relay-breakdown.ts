import type { BatchTrace } from '@app/relay';
import { EventTimes, percentile } from './relay-latency';

/** What a relay runner with `traceStages` printed: its wake-ups and its confirmed batches. */
export interface RelayStageTraces {
  woken: number[];
  batches: BatchTrace[];
}

/** The `relay-runner: trace` lines of a runner's output, from `fromOffset` on. */
export function parseStageTraces(output: string, fromOffset = 0): RelayStageTraces {
  const traces: RelayStageTraces = { woken: [], batches: [] };
  for (const line of output.slice(fromOffset).split('\n')) {
    if (!line.startsWith('relay-runner: trace ')) continue;
    const { woken, batches } = JSON.parse(line.slice('relay-runner: trace '.length)) as RelayStageTraces;
    traces.woken.push(...woken);
    traces.batches.push(...batches);
  }
  traces.woken.sort((a, b) => a - b);
  return traces;
}

export interface StageFigure {
  stage: string;
  p50Ms: number;
  p99Ms: number;
}

export interface Breakdown {
  stages: StageFigure[];
  /** Measured events the relay's traces do not cover (never read, or read after the traces were taken). */
  untraced: number;
  /** Batches that carried the measured events, and their mean size. */
  batches: number;
  meanBatch: number;
}

type Position = readonly [bigint, bigint];
const positionOf = (transactionId: string, position: string): Position => [BigInt(transactionId), BigInt(position)];
const compare = (a: Position, b: Position): number => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1);

/**
 * One event's path from its writer's COMMIT to the consumer's ack, stage by stage, from the bench's
 * own times and the relay's traces (both wall-clock, one machine): commit → readable (every older
 * transaction had ended), → wake-up (the first NOTIFY or local wake after it, or the read if that
 * came first), → read start (the relay began the read that returned it), → read (the statement
 * returned), → publish (handed to the channel), → delivery (the consumer got it), → apply → ack;
 * and publish → confirm beside them. Each point is taken no earlier than the one before, so the
 * stages add up to the whole.
 */
export function breakdown(events: readonly EventTimes[], traces: RelayStageTraces): Breakdown {
  const batches = traces.batches
    .map((batch) => ({
      batch,
      after: positionOf(batch.after.transactionId, batch.after.position),
      to: positionOf(batch.to.transactionId, batch.to.position),
    }))
    .sort((a, b) => compare(a.to, b.to));
  const batchOf = (event: EventTimes) => {
    const at = positionOf(event.transactionId, event.position);
    let low = 0;
    let high = batches.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compare(batches[middle].to, at) < 0) low = middle + 1;
      else high = middle;
    }
    const found = batches[low];
    return found && compare(found.after, at) < 0 ? found.batch : undefined;
  };
  const firstWakeAfter = (at: number) => {
    let low = 0;
    let high = traces.woken.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (traces.woken[middle] < at) low = middle + 1;
      else high = middle;
    }
    return traces.woken[low] ?? Infinity;
  };
  const names = [
    'commit → readable (older transactions ended)',
    'readable → wake-up',
    'wake-up → read starts',
    'read (the statement)',
    'read → publish',
    'publish → delivery',
    'delivery → apply',
    'apply → ack',
    'publish → confirm (beside delivery)',
    'commit → delivery (whole)',
  ];
  const samples = names.map(() => [] as number[]);
  const used = new Set<BatchTrace>();
  let untraced = 0;
  for (const event of events) {
    const batch = batchOf(event);
    if (!batch || !Number.isFinite(event.deliveredAt)) {
      untraced++;
      continue;
    }
    used.add(batch);
    const points = [event.committedAt, event.readableAt];
    points.push(Math.min(firstWakeAfter(event.readableAt), batch.readStartedAt));
    points.push(batch.readStartedAt, batch.readAt, batch.publishedAt, event.deliveredAt, event.appliedAt, event.ackedAt);
    for (let i = 1; i < points.length; i++) points[i] = Math.max(points[i], points[i - 1]);
    for (let i = 0; i < 8; i++) samples[i].push(points[i + 1] - points[i]);
    samples[8].push(Math.max(0, batch.confirmedAt - batch.publishedAt));
    samples[9].push(event.deliveredAt - event.committedAt);
  }
  const stages = names.map((stage, i) => {
    const sorted = samples[i].sort((a, b) => a - b);
    return { stage, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  });
  const carried = [...used].reduce((sum, batch) => sum + batch.count, 0);
  return { stages, untraced, batches: used.size, meanBatch: used.size ? carried / used.size : 0 };
}
