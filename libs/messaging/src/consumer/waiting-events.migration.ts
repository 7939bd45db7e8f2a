import { MigrationInterface } from 'typeorm';
import { ddlMigration } from './ddl-migration';

/**
 * The SQL that lays a consumer's `waiting_events`: events that arrived before their predecessor (or
 * before the rest of their append), held with their body and headers until the gap closes.
 */
export function waitingEventsDdl(schema: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS "${schema}".waiting_events (
       queue text NOT NULL,
       stream_id text NOT NULL,
       stream_version int NOT NULL,
       message_id text NOT NULL,
       previous_version int NOT NULL,
       ends_append boolean NOT NULL,
       body bytea NOT NULL,
       properties jsonb NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now(),
       gap_reported_at timestamptz,
       PRIMARY KEY (queue, stream_id, stream_version)
     )`,
    `CREATE INDEX IF NOT EXISTS waiting_events_received ON "${schema}".waiting_events (queue, received_at)`,
  ];
}

/** The consumer's migration of `waiting_events` for `schema`; `IF NOT EXISTS` like the inbox's. */
export function waitingEventsMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ddlMigration('MessagingWaitingEvents1764000000005', waitingEventsDdl(schema), [`DROP TABLE IF EXISTS "${schema}".waiting_events`]),
  ];
}
