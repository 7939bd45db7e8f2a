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
    ...subscriptionBackfillDdl(schema),
  ];
}

/**
 * A subscription an operator registers at run time may pace its backfill: `backfill_rate_per_second`
 * applies to the events up to `backfill_until_position` (the head when it was registered), of
 * which there were `backfill_total`; live events after it flow at full speed.
 */
export function subscriptionBackfillDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `ALTER TABLE ${s}.subscriptions ADD COLUMN IF NOT EXISTS backfill_rate_per_second integer CHECK (backfill_rate_per_second > 0)`,
    `ALTER TABLE ${s}.subscriptions ADD COLUMN IF NOT EXISTS backfill_until_position bigint`,
    `ALTER TABLE ${s}.subscriptions ADD COLUMN IF NOT EXISTS backfill_total bigint`,
    `ALTER TABLE ${s}.subscriptions ADD COLUMN IF NOT EXISTS registered_at timestamptz`,
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
  class RelaySubscriptionBackfill1764000000710 implements MigrationInterface {
    name = 'RelaySubscriptionBackfill1764000000710';
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of subscriptionBackfillDdl(schema)) await queryRunner.query(statement);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      for (const column of ['backfill_rate_per_second', 'backfill_until_position', 'backfill_total', 'registered_at'])
        await queryRunner.query(`ALTER TABLE "${schema}".subscriptions DROP COLUMN IF EXISTS ${column}`);
    }
  }
  return [RelaySubscriptions1764000000002, RelaySubscriptionBackfill1764000000710];
}
