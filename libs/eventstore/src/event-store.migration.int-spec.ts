import { ensureTestDatabase, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { eventStoreMigrations } from './event-store.migration';

describe('The event store migrations', () => {
  const schema = `t_${uniqueSuffix()}`;
  let dataSource: DataSource;

  const triggers = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass`, [`"${schema}".events`])).map(
      (row: { tgname: string }) => row.tgname,
    );

  beforeAll(async () => {
    await ensureTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('remove the NOTIFY trigger an earlier install left on the event table', async () => {
    const [install, removal] = eventStoreMigrations(schema);
    const runner = dataSource.createQueryRunner();
    try {
      await new install().up(runner);
      // As the first release laid it: a NOTIFY per appending statement, inside the append's transaction.
      await runner.query(`CREATE FUNCTION "${schema}".notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${schema}_events', ''); RETURN NULL; END $$`);
      await runner.query(`CREATE TRIGGER events_notify AFTER INSERT ON "${schema}".events
        FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".notify_events()`);
      expect(await triggers()).toEqual(['events_notify']);

      await new removal().up(runner);
      expect(await triggers()).toEqual([]);
      await new removal().up(runner); // and do nothing where there is none
    } finally {
      await runner.release();
    }
  });
});
