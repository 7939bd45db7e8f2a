import { storeDdl } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client, ClientBase, Pool } from 'pg';
import { OpenLoopResult, runOpenLoop } from './open-loop';

/**
 * The raw ceiling: single-event INSERT transactions straight through `pg` into a table laid like a
 * service's event table (same columns and indexes), with a payload the size of an ItemPurchased.
 * `notify` adds the per-statement NOTIFY trigger the event table once had: its cluster-wide commit
 * lock is why appenders now signal after commit instead (`CommitSignal`).
 */
type Insert = (client: ClientBase, streamId?: string, version?: number) => Promise<void>;

async function withCeilingTable<T>(databaseUrl: string, notify: boolean, work: (insert: Insert) => Promise<T>): Promise<T> {
  const schema = `bench_ceiling_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    for (const statement of storeDdl(schema)) await admin.query(statement);
    if (notify) await addNotifyTrigger(admin, schema);
    const sql = `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata) VALUES ($1, $2, $3, 'ItemPurchased', $4, $5)`;
    const metadata = JSON.stringify({ actor: 'http' });
    // Without a stream, the insert opens one of its own, so concurrent inserts never collide on a version.
    const insert: Insert = async (client, streamId = `account-${randomUUID()}`, version = 1) => {
      const data = { id: streamId.slice(8), transactionId: randomUUID(), amount: 1, currency: 'EUR', balanceAfter: 99_999 - version };
      await client.query(sql, [randomUUID(), streamId, version, JSON.stringify(data), metadata]);
    };
    return await work(insert);
  } finally {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/**
 * Closed loop from `connections` connections for `durationMs`, after a one-second warm-up that
 * fills caches and plan caches. `during` wraps the measured part (e.g. to read CPU around it).
 */
export async function measureInsertCeiling(
  databaseUrl: string,
  connections: number,
  durationMs: number,
  notify = false,
  during: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<{ perSecond: number; inserted: number }> {
  return withCeilingTable(databaseUrl, notify, async (insert) => {
    const clients: Client[] = [];
    try {
      for (let i = 0; i < connections; i++) {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        clients.push(client);
      }
      const run = async (client: Client, until: number) => {
        let done = 0;
        const streamId = `account-${randomUUID()}`;
        while (Date.now() < until) await insert(client, streamId, ++done);
        return done;
      };
      await Promise.all(clients.map((client) => run(client, Date.now() + 1_000)));
      return await during(async () => {
        const started = Date.now();
        const counts = await Promise.all(clients.map((client) => run(client, started + durationMs)));
        const inserted = counts.reduce((sum, n) => sum + n, 0);
        return { perSecond: inserted / ((Date.now() - started) / 1_000), inserted };
      });
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    }
  });
}

/** The same inserts in an open loop at `ratePerSecond`, through a pool of `connections`. */
export async function insertCeilingAt(
  databaseUrl: string,
  connections: number,
  ratePerSecond: number,
  durationMs: number,
): Promise<OpenLoopResult> {
  return withCeilingTable(databaseUrl, false, async (insert) => {
    const pool = new Pool({ connectionString: databaseUrl, max: connections });
    try {
      const once = async () => {
        const client = await pool.connect();
        try {
          await insert(client);
          return true;
        } finally {
          client.release();
        }
      };
      await runOpenLoop(ratePerSecond, 1_000, once);
      return await runOpenLoop(ratePerSecond, durationMs, once);
    } finally {
      await pool.end();
    }
  });
}

async function addNotifyTrigger(admin: Client, schema: string): Promise<void> {
  await admin.query(`CREATE FUNCTION "${schema}".notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('${schema}_events', ''); RETURN NULL; END $$`);
  await admin.query(`CREATE TRIGGER events_notify AFTER INSERT ON "${schema}".events
    FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".notify_events()`);
}
