import { defineSettings, integer, readSettings } from '@app/config';

/**
 * Resequencing: events that arrive before their predecessor, or before the rest of their append
 * (one producer transaction), wait in the consumer's `waiting_events` and are applied, in version
 * order, in the transaction that closes their gap. Pure rules here; the table is in waiting-events.ts.
 */

/** A waiting event's place in its stream, as its headers gave it. */
export interface WaitingPlace {
  streamVersion: number;
  /** The version of the stream's previous event sent to this queue. */
  previousVersion: number;
  /** False while events of its append (sent to this queue) follow it. */
  endsAppend: boolean;
}

/** Whether an event ends its append at this queue: it is the last of its stream's events its transaction sent here. */
export const endsAppend = (appendIndex: number | undefined, appendCount: number | undefined): boolean =>
  appendIndex === undefined || appendCount === undefined || appendIndex >= appendCount;

/**
 * The waiting events that can be applied now after `appliedVersion`, in version order: each one's
 * predecessor is applied or precedes it in the run, and the run ends with a whole append, so a
 * reader never sees part of one. `stale` are those already applied (dropped). `waiting` must be
 * the stream's waiting events in version order.
 */
export function readyRun<T extends WaitingPlace>(appliedVersion: number, waiting: readonly T[]): { run: T[]; stale: T[] } {
  const stale = waiting.filter((event) => event.streamVersion <= appliedVersion);
  const chain: T[] = [];
  let reached = appliedVersion;
  let wholeUpTo = 0;
  for (const event of waiting) {
    if (event.streamVersion <= reached) continue;
    if (event.previousVersion > reached) break;
    chain.push(event);
    reached = event.streamVersion;
    if (event.endsAppend) wholeUpTo = chain.length;
  }
  return { run: chain.slice(0, wholeUpTo), stale };
}

/**
 * The version a stream's waiting events wait for: the one after the last version the chain from
 * `appliedVersion` reaches. Asking the producer to deliver the stream again from it closes the gap.
 */
export function missingVersion(appliedVersion: number, waiting: readonly WaitingPlace[]): number {
  let reached = appliedVersion;
  for (const event of waiting) {
    if (event.streamVersion <= reached) continue;
    if (event.previousVersion > reached) break;
    reached = event.streamVersion;
  }
  return reached + 1;
}

/**
 * Whether admitting a message may let waiting events of its stream through, so they are looked at
 * in its transaction: it is applied while others wait (they may follow it), or it waits itself and
 * may complete a run (it is next, with the rest of its append to come, or others wait: it may be
 * the last of an append or fill a hole between them).
 */
export function drainsAfter(
  facts: { previousVersion: number; appliedVersion: number },
  verdict: 'apply' | 'duplicate' | 'wait' | 'parked',
  streamHasWaiting: boolean,
): boolean {
  if (verdict === 'apply') return streamHasWaiting;
  return verdict === 'wait' && (streamHasWaiting || facts.previousVersion <= facts.appliedVersion);
}

/** The default wait behind a gap: minutes, not seconds, since a predecessor is usually only late. */
export const DEFAULT_GAP_TIMEOUT_MS = 300_000;

/** Every consumer: how long events may wait behind a missing predecessor before the gap is reported. */
export const consumerSettings = defineSettings('consumer', {
  CONSUMER_GAP_TIMEOUT_MS: integer(
    'how long events may wait behind a missing predecessor before the gap is reported as `GAP_TIMEOUT` (ms)',
    { default: DEFAULT_GAP_TIMEOUT_MS, min: 1 },
  ),
});

/** The gap timeout from CONSUMER_GAP_TIMEOUT_MS, else the default; a bad value is refused at start. */
export const gapTimeoutFromEnv = (env: NodeJS.ProcessEnv = process.env): number =>
  readSettings(consumerSettings, env).CONSUMER_GAP_TIMEOUT_MS;

/** A stream's gap is reported once its oldest waiting event has waited longer than the timeout; a parked stream's wait is the park's to report. */
export const gapTimedOut = (oldestWaitingMs: number, timeoutMs: number, parked: boolean): boolean =>
  !parked && oldestWaitingMs >= timeoutMs;

/**
 * The order a transaction hands drained runs to the handlers: the first event of every stream's
 * run, then the second, and so on, so that each dispatch holds at most one event per stream (set-based
 * batch handlers rely on it) while each stream stays in version order.
 */
export function inLayers<T>(runs: readonly (readonly T[])[]): T[][] {
  const layers: T[][] = [];
  for (const run of runs) run.forEach((event, i) => (layers[i] ??= []).push(event));
  return layers;
}
