import { MigrationInterface, QueryRunner } from 'typeorm';

/** The SQL that lays a producer's `subscriptions` table: one row per consumer queue, with its cursor. */
export function subscriptionsDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.subscriptions (
       name text PRIMARY KEY,
       event_types text[],
       status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
       cursor_transaction_id xid8 NOT NULL DEFAULT '0',
       cursor_position bigint NOT NULL DEFAULT 0,
       pending_control text,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
  ];
}

/**
 * The relay's migration for `schema`. `IF NOT EXISTS` because installs older than this migration
 * got the table from the event store's first migration.
 */
export function subscriptionsMigrations(schema: string): (new () => MigrationInterface)[] {
  class RelaySubscriptions1764000000002 implements MigrationInterface {
    name = 'RelaySubscriptions1764000000002';
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of subscriptionsDdl(schema)) await queryRunner.query(statement);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE IF EXISTS "${schema}".subscriptions`);
    }
  }
  return [RelaySubscriptions1764000000002];
}
