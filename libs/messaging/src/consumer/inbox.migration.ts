import { MigrationInterface } from 'typeorm';
import { ddlMigration } from './ddl-migration';

/** The SQL that lays a consumer's `inbox` (messages taken) and `stream_checkpoints` (versions applied). */
export function inboxDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.inbox (
       queue text NOT NULL,
       message_id text NOT NULL,
       processed_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (queue, message_id)
     )`,
    `CREATE TABLE IF NOT EXISTS ${s}.stream_checkpoints (
       queue text NOT NULL,
       stream_id text NOT NULL,
       version int NOT NULL,
       PRIMARY KEY (queue, stream_id)
     )`,
  ];
}

/**
 * The consumer's migration for `schema`. `IF NOT EXISTS` because installs older than this migration
 * got the tables from the event store's first migration.
 */
export function inboxMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ddlMigration('MessagingInbox1764000000003', inboxDdl(schema), [
      `DROP TABLE IF EXISTS "${schema}".stream_checkpoints`,
      `DROP TABLE IF EXISTS "${schema}".inbox`,
    ]),
  ];
}
