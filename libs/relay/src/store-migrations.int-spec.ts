import { eventStoreDdl } from '@app/eventstore';
import { ensureTestDatabase, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { consumerMigrations } from '@app/messaging';
import { storeMigrations } from './store-migrations';

/** Each lib lays its own tables; installs made when the event store's migration laid them all keep working. */
describe('storeMigrations', () => {
  const schemas: string[] = [];

  const dataSourceFor = async (schema: string, migrations = storeMigrations(schema)) => {
    schemas.push(schema);
    const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, migrations });
    await dataSource.initialize();
    return dataSource;
  };

  const tables = async (dataSource: DataSource, schema: string): Promise<string[]> =>
    (await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema])).map(
      (row: { table_name: string }) => row.table_name,
    );

  beforeAll(() => ensureTestDatabase());

  afterAll(async () => {
    const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await dataSource.initialize();
    for (const schema of schemas) await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('lays the event table and snapshots from the event store, subscriptions from the relay, the inbox, parked streams and waiting events from messaging', async () => {
    const schema = `t_${uniqueSuffix()}`;
    const dataSource = await dataSourceFor(schema);
    try {
      expect(eventStoreDdl(schema).join('\n')).not.toMatch(/subscriptions|inbox|stream_checkpoints/);
      await dataSource.query(`CREATE SCHEMA "${schema}"`);
      const ran = await dataSource.runMigrations();
      expect(ran.map((migration) => migration.name)).toEqual([
        'EventStore1764000000000',
        'EventStoreSignalAfterCommit1764000000001',
        'RelaySubscriptions1764000000002',
        'MessagingInbox1764000000003',
        'MessagingParkedStreams1764000000004',
        'MessagingWaitingEvents1764000000005',
        'RelaySubscriptionBackfill1764000000710',
      ]);
      expect(await tables(dataSource, schema)).toEqual([
        'events',
        'inbox',
        'migrations',
        'parked_streams',
        'snapshots',
        'stream_checkpoints',
        'subscriptions',
        'waiting_events',
      ]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('lays only the consumer tables, waiting events included, for a service that records no events (Ops)', async () => {
    const schema = `t_${uniqueSuffix()}`;
    const dataSource = await dataSourceFor(schema, consumerMigrations(schema));
    try {
      await dataSource.query(`CREATE SCHEMA "${schema}"`);
      const ran = await dataSource.runMigrations();
      expect(ran.map((migration) => migration.name)).toEqual([
        'MessagingInbox1764000000003',
        'MessagingParkedStreams1764000000004',
        'MessagingWaitingEvents1764000000005',
      ]);
      expect(await tables(dataSource, schema)).toEqual(['inbox', 'migrations', 'parked_streams', 'stream_checkpoints', 'waiting_events']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('leaves an earlier install, whose first migration laid every table, as it was', async () => {
    const schema = `t_${uniqueSuffix()}`;
    const dataSource = await dataSourceFor(schema);
    try {
      await dataSource.query(`CREATE SCHEMA "${schema}"`);
      // As the earlier release left it: every table from EventStore1764000000000, a cursor, an inbox row.
      await dataSource.runMigrations();
      await dataSource.query(
        `DELETE FROM "${schema}".migrations WHERE name IN ('RelaySubscriptions1764000000002', 'MessagingInbox1764000000003')`,
      );
      await dataSource.query(`INSERT INTO "${schema}".subscriptions (name, cursor_position) VALUES ('fraud.account-events', 42)`);
      await dataSource.query(`INSERT INTO "${schema}".inbox (queue, message_id) VALUES ('account.account-events', 'm-1')`);

      const ran = await dataSource.runMigrations();

      expect(ran.map((migration) => migration.name)).toEqual(['RelaySubscriptions1764000000002', 'MessagingInbox1764000000003']);
      expect(await dataSource.query(`SELECT name, cursor_position FROM "${schema}".subscriptions`)).toEqual([
        { name: 'fraud.account-events', cursor_position: '42' },
      ]);
      expect(await dataSource.query(`SELECT message_id FROM "${schema}".inbox`)).toEqual([{ message_id: 'm-1' }]);
      expect(await dataSource.runMigrations()).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
