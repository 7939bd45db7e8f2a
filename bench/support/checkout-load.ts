import { Answer } from '../../test/support/http';

export interface LoadResult {
  requests: number;
  ok: number;
  elapsedMs: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/**
 * Sends `requests` requests from `concurrency` closed-loop workers and measures the rate of the
 * ones `isOk` accepts and the latency of every request.
 */
export async function runLoad(
  requests: number,
  concurrency: number,
  send: (index: number) => Promise<Answer>,
  isOk: (answer: Answer) => boolean,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  const failures = new Map<string, number>();
  const worker = async () => {
    for (let index = next++; index < requests; index = next++) {
      const started = process.hrtime.bigint();
      const answer = await send(index);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (isOk(answer)) ok++;
      else {
        const key = `${answer.status} ${answer.body.reason ?? answer.body.code ?? ''}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = Date.now() - started;
  if (failures.size > 0) console.warn(`  not ok: ${JSON.stringify(Object.fromEntries(failures))}`);
  latencies.sort((a, b) => a - b);
  return {
    requests,
    ok,
    elapsedMs,
    perSecond: (ok * 1000) / elapsedMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}

export const describeLoad = (r: LoadResult): string =>
  `${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  max ${r.max.toFixed(1)} ms  (${r.ok}/${r.requests} ok in ${(r.elapsedMs / 1000).toFixed(1)} s)`;
