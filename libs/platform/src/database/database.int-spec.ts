import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { platformConfigModule } from '../config/platform-config';
import { HealthModule } from '../health/health.module';
import { configureHttpApp, createHttpAdapter } from '../http/create-http-app';
import { loggerModule } from '../logging/logger.module';
import { databaseModule, runMigrationsExclusively } from './database.module';
import { ensureDatabase } from './ensure-database';

const SERVER = process.env.PLATFORM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

async function adminQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

// Each test gets its own database, so nothing shared is touched and the schema starts empty.
const freshDatabaseName = () => `platform_spec_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const created: string[] = [];
afterAll(async () => {
  for (const name of created) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe('ensureDatabase', () => {
  it('creates a missing database once, even when many instances race for it', async () => {
    const name = freshDatabaseName();
    created.push(name);
    await Promise.all(Array.from({ length: 5 }, () => ensureDatabase(`${SERVER}/${name}`)));
    await ensureDatabase(`${SERVER}/${name}`);
    expect(await adminQuery('SELECT datname FROM pg_database WHERE datname = $1', [name])).toHaveLength(1);
  });
});

class CreateLedger1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // Unqualified on purpose: search_path must put it in the service's schema.
    await runner.query('CREATE TABLE ledger (id int PRIMARY KEY)');
    await runner.query('SELECT pg_sleep(0.2)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ledger');
  }
}

describe('runMigrationsExclusively', () => {
  it('creates the schema and migrates once when several instances start together', async () => {
    const name = freshDatabaseName();
    created.push(name);
    await ensureDatabase(`${SERVER}/${name}`);
    const instances = Array.from(
      { length: 3 },
      () =>
        new DataSource({
          type: 'postgres',
          url: `${SERVER}/${name}`,
          schema: 'spec',
          migrations: [CreateLedger1700000000000],
          migrationsTableName: 'migrations',
          extra: { options: '-c search_path="spec",public' },
        }),
    );
    await Promise.all(instances.map((ds) => ds.initialize()));
    try {
      await Promise.all(instances.map((ds) => runMigrationsExclusively(ds, 'spec')));
      const [ds] = instances;
      expect(await ds.query('SELECT name FROM spec.migrations')).toEqual([{ name: 'CreateLedger1700000000000' }]);
      expect(await ds.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'ledger'`)).toEqual([
        { table_schema: 'spec' },
      ]);
    } finally {
      await Promise.all(instances.map((ds) => ds.destroy()));
    }
  });
});

describe('databaseModule with HealthModule', () => {
  let app: INestApplication;
  const saved = process.env.DATABASE_URL;

  afterEach(async () => {
    await app?.close();
    process.env.DATABASE_URL = saved;
  });

  it('connects through PlatformConfig and reports the database in /health/ready', async () => {
    const name = freshDatabaseName();
    created.push(name);
    process.env.DATABASE_URL = `${SERVER}/${name}`;
    await ensureDatabase(process.env.DATABASE_URL);
    @Module({
      imports: [
        platformConfigModule(3999),
        loggerModule('spec', 'silent'),
        databaseModule({ schema: 'spec', migrations: [CreateLedger1700000000000] }),
        HealthModule,
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureHttpApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { bufferLogs: true }), {
      title: 'spec',
    });
    await runMigrationsExclusively(app.get(DataSource), 'spec');
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    expect(await app.get(DataSource).query('SELECT count(*)::int AS n FROM ledger')).toEqual([{ n: 0 }]);
  });
});
