import { TEST_OPS_TOKEN } from '@app/testing';
import { Agent, request } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: any;
}

/**
 * A small keep-alive HTTP/1.1 JSON client: a bounded socket pool and no per-request allocation
 * beyond the body, so the load generator costs far less CPU than the service it measures.
 */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          // As the operator unless told otherwise: every route needs a credential.
          headers: {
            authorization: `Bearer ${TEST_OPS_TOKEN}`,
            ...headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many requests... */
  total: number;
  /** ...or after this long, whichever comes first. */
  maxDurationMs: number;
  /** Sends request number `i`. */
  send(i: number): Promise<HttpAnswer>;
  /** Sees every answer (e.g. to check balances); runs inline, keep it cheap. */
  observe?(i: number, answer: HttpAnswer): void;
}

export interface LoadResult {
  sent: number;
  elapsedMs: number;
  /** Milliseconds, one per answered request, sorted. */
  latencies: Float64Array;
  statuses: Map<number, number>;
  codes: Map<string, number>;
  failures: number;
}

/** A closed loop: `concurrency` workers, each sending its next request as soon as the last is answered. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Float64Array(options.total);
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  let next = 0;
  let answered = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + options.maxDurationMs;
  const worker = async () => {
    while (next < options.total && Date.now() < deadline) {
      const i = next++;
      const sentAt = process.hrtime.bigint();
      try {
        const answer = await options.send(i);
        latencies[answered++] = Number(process.hrtime.bigint() - sentAt) / 1e6;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const code = answer.status >= 400 ? String(answer.body?.code ?? answer.status) : undefined;
        if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
        options.observe?.(i, answer);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { sent: next, elapsedMs, latencies: latencies.slice(0, answered).sort(), statuses, codes, failures };
}

/** The value below which `p` percent of the sorted `values` fall. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const mean = (values: Float64Array): number => values.reduce((sum, value) => sum + value, 0) / (values.length || 1);

export const serverErrors = (result: LoadResult): number =>
  [...result.statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
