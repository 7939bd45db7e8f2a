import { pgClientSafety, pgServerSafetyOptions } from '@app/postgres';
import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, MixedList } from 'typeorm';

/** A migration or entity class, as TypeORM takes them. */
export type ClassType = abstract new (...args: never[]) => unknown;
import { PlatformConfig } from '../config/platform-config';

export interface DatabaseModuleOptions {
  /** The service's own PostgreSQL schema, e.g. `account`. */
  schema: string;
  /** Migration classes, run by runMigrationsExclusively (never automatically). */
  migrations: MixedList<ClassType>;
  entities?: MixedList<ClassType>;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** TypeORM connection for one service's schema, configured from PlatformConfig.databaseUrl. */
export function databaseModule(options: DatabaseModuleOptions): DynamicModule {
  return TypeOrmModule.forRootAsync({
    inject: [PlatformConfig],
    useFactory: (config: PlatformConfig) => ({
      type: 'postgres',
      url: config.databaseUrl,
      schema: options.schema,
      entities: options.entities ?? [],
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      synchronize: false,
      migrationsRun: false,
      logging: false,
      // Unqualified names in raw SQL resolve to the service's own schema, never to another's.
      // Keepalives and timeouts: a partitioned database fails requests within seconds instead of hanging them.
      extra: {
        max: config.databasePoolSize,
        application_name: options.schema,
        ...pgClientSafety(),
        options: `-c search_path=${quoteIdent(options.schema)},public ${pgServerSafetyOptions()}`,
      },
    }),
  });
}

/** Runs pending migrations once across all instances starting together, serialised by an advisory lock. */
export async function runMigrationsExclusively(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Lock first: concurrent CREATE SCHEMA IF NOT EXISTS can still fail with a unique violation.
    await runner.query(`SELECT pg_advisory_lock(hashtext('migrate:' || $1))`, [schema]);
    try {
      // TypeORM puts its migrations table in `schema`, so the schema must exist first.
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext('migrate:' || $1))`, [schema]);
    }
  } finally {
    await runner.release();
  }
}
