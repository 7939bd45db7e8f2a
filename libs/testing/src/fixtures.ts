import { eventStoreDdl } from '@app/eventstore';
import { inboxDdl, parkedStreamsDdl, waitingEventsDdl } from '@app/messaging';
import { subscriptionsDdl } from '@app/relay';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** The database tests use; created on first use. Never a developer's `platform` database. */
export const testDatabaseUrl = (): string => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platform_test';

export const testAmqpUrl = (): string => process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A short random suffix so each test's schemas, queues and streams are its own. */
export const uniqueSuffix = (): string => randomUUID().replace(/-/g, '').slice(0, 10);

/** Creates the test database if it does not exist yet (safe when several workers race). */
export async function ensureTestDatabase(url = testDatabaseUrl()): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount)
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
  } finally {
    await client.end();
  }
}

/** The tables `storeMigrations` (libs/relay) lays, as plain SQL, for specs and benchmarks that set up a schema themselves. */
export const storeDdl = (schema: string): string[] => [
  ...eventStoreDdl(schema),
  ...subscriptionsDdl(schema),
  ...inboxDdl(schema),
  ...parkedStreamsDdl(schema),
  ...waitingEventsDdl(schema),
];

/** A fresh schema with its own event store, and a TypeORM DataSource bound to it. */
export async function freshEventStore(prefix = 't'): Promise<{ schema: string; dataSource: DataSource }> {
  await ensureTestDatabase();
  const schema = `${prefix}_${uniqueSuffix()}`;
  const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { max: 20 } });
  await dataSource.initialize();
  for (const statement of storeDdl(schema)) await dataSource.query(statement);
  return { schema, dataSource };
}

type Falsy = false | 0 | '' | null | undefined;

/** Polls `probe` until it returns a truthy value (which it resolves to) or `timeoutMs` passes. */
export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 50): Promise<Exclude<T, Falsy>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Exclude<T, Falsy>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
