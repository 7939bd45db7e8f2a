import { storeDdl } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * The raw ceiling: single-event INSERT transactions per second straight through `pg`, from
 * `connections` connections, into a table laid like a service's event table (same columns and
 * indexes), with a payload the size of an ItemPurchased. `notify` adds the per-statement NOTIFY
 * trigger the event table once had: its cluster-wide commit lock is why appenders now signal
 * after commit instead (`CommitSignal`).
 */
export async function measureInsertCeiling(
  databaseUrl: string,
  connections: number,
  durationMs: number,
  notify = false,
): Promise<{ perSecond: number; inserted: number }> {
  const schema = `bench_ceiling_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  const clients: Client[] = [];
  try {
    for (const statement of storeDdl(schema)) await admin.query(statement);
    if (notify) await addNotifyTrigger(admin, schema);
    for (let i = 0; i < connections; i++) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      clients.push(client);
    }
    const insert = `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, data, metadata) VALUES ($1, $2, $3, 'ItemPurchased', $4, $5)`;
    const metadata = JSON.stringify({ actor: 'http' });
    const run = async (client: Client, until: number) => {
      let done = 0;
      const streamId = `account-${randomUUID()}`;
      while (Date.now() < until) {
        const data = { id: streamId.slice(8), transactionId: randomUUID(), amount: 1, currency: 'EUR', balanceAfter: 99_999 - done };
        await client.query(insert, [randomUUID(), streamId, ++done, JSON.stringify(data), metadata]);
      }
      return done;
    };
    // A short warm-up fills caches and the connection's plan cache; only the second run counts.
    await Promise.all(clients.map((client) => run(client, Date.now() + 1_000)));
    await admin.query(`TRUNCATE "${schema}".events`);
    const started = Date.now();
    const counts = await Promise.all(clients.map((client) => run(client, started + durationMs)));
    const inserted = counts.reduce((sum, n) => sum + n, 0);
    return { perSecond: inserted / ((Date.now() - started) / 1_000), inserted };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

async function addNotifyTrigger(admin: Client, schema: string): Promise<void> {
  await admin.query(`CREATE FUNCTION "${schema}".notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('${schema}_events', ''); RETURN NULL; END $$`);
  await admin.query(`CREATE TRIGGER events_notify AFTER INSERT ON "${schema}".events
    FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".notify_events()`);
}
