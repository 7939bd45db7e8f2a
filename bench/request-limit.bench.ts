/**
 * What the request limit adds to a checkout request: the one upsert RequestCounter makes, timed
 * on its own against a scratch database (created here and dropped after), one key and many keys,
 * one at a time and 8 at once. Run: ts-node --transpile-only -r tsconfig-paths/register bench/request-limit.bench.ts
 */
import { Client, Pool } from 'pg';
import { randomBytes } from 'node:crypto';

const ADMIN_URL = process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUESTS = Number(process.env.LIMIT_BENCH_REQUESTS ?? 5_000);
const UPSERT = `INSERT INTO request_counts AS c (key_id, window_start, count) VALUES ($1, to_timestamp($2::double precision / 1000), 1)
  ON CONFLICT (key_id, window_start) DO UPDATE SET count = c.count + 1 RETURNING count`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function run(pool: Pool, label: string, keys: string[], concurrency: number, statement = UPSERT): Promise<void> {
  const window = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const timings: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < REQUESTS) {
        const key = keys[next++ % keys.length];
        const t0 = process.hrtime.bigint();
        await pool.query(statement, [key, window]);
        timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  timings.sort((a, b) => a - b);
  console.log(
    `${label}: ${REQUESTS} upserts, ${(REQUESTS / seconds).toFixed(0)}/s, p50 ${percentile(timings, 50).toFixed(3)} ms, p99 ${percentile(timings, 99).toFixed(3)} ms`,
  );
}

async function main(): Promise<void> {
  const database = `limit_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const pool = new Pool({ connectionString: url.toString(), max: 8 });
  try {
    await pool.query(
      'CREATE UNLOGGED TABLE request_counts (key_id text NOT NULL, window_start timestamptz NOT NULL, count integer NOT NULL, PRIMARY KEY (key_id, window_start))',
    );
    const many = Array.from({ length: 1_000 }, () => randomBytes(8).toString('hex'));
    await run(pool, 'warm-up', many, 1);
    // The floor on this machine: a round trip that does nothing, with the same parameters.
    await run(pool, 'baseline SELECT $1, $2', many, 1, 'SELECT $1::text, $2::double precision');
    await run(pool, 'one key, sequential', ['0123456789abcdef'], 1);
    await run(pool, '1,000 keys, sequential', many, 1);
    await run(pool, 'one key, 8 at once', ['fedcba9876543210'], 8);
    await run(pool, '1,000 keys, 8 at once', many, 8);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
  }
}

void main();
