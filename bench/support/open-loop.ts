export interface OpenLoopResult {
  ratePerSecond: number;
  sent: number;
  ok: number;
  /** Milliseconds from each request's scheduled arrival to its answer, sorted. */
  latencies: number[];
}

/**
 * An open loop: requests arrive evenly spaced at `ratePerSecond` for `durationMs`, whether or not
 * earlier ones were answered. Latency runs from the scheduled arrival, not from when the request
 * went out, so a stalled load generator cannot hide a queue (no coordinated omission).
 */
export async function runOpenLoop(
  ratePerSecond: number,
  durationMs: number,
  send: (index: number) => Promise<boolean>,
): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round((ratePerSecond * durationMs) / 1_000));
  const intervalMs = 1_000 / ratePerSecond;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let ok = 0;
  const started = performance.now();
  for (let index = 0; index < total; index++) {
    const arrival = started + index * intervalMs;
    const wait = arrival - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(index).then(
        (answered) => {
          latencies.push(performance.now() - arrival);
          if (answered) ok++;
        },
        () => {
          latencies.push(performance.now() - arrival);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { ratePerSecond, sent: total, ok, latencies: latencies.sort((a, b) => a - b) };
}

/** The value below which `p` percent of the sorted values fall. */
export const percentileOf = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

export const describeOpenLoop = (r: OpenLoopResult): string =>
  `p50 ${percentileOf(r.latencies, 50).toFixed(1).padStart(6)} ms  p99 ${percentileOf(r.latencies, 99).toFixed(1).padStart(6)} ms  ` +
  `p99.9 ${percentileOf(r.latencies, 99.9).toFixed(1).padStart(6)} ms  (${r.ok}/${r.sent} ok at ${r.ratePerSecond.toFixed(1)}/s)`;
