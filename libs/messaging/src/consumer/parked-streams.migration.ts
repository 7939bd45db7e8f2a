import { MigrationInterface } from 'typeorm';
import { ddlMigration } from './ddl-migration';

/** The SQL that lays a consumer's `parked_streams`: the streams held behind a dead letter, per queue. */
export function parkedStreamsDdl(schema: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS "${schema}".parked_streams (
       queue text NOT NULL,
       stream_id text NOT NULL,
       blocker_event_id text NOT NULL,
       blocker_version int NOT NULL,
       parked_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (queue, stream_id)
     )`,
  ];
}

/** The consumer's migration of `parked_streams` for `schema`; `IF NOT EXISTS` like the inbox's. */
export function parkedStreamsMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ddlMigration('MessagingParkedStreams1764000000004', parkedStreamsDdl(schema), [`DROP TABLE IF EXISTS "${schema}".parked_streams`]),
  ];
}
