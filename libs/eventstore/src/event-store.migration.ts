import { MigrationInterface, QueryRunner } from 'typeorm';

/** The SQL that lays one service's event table and its snapshots. */
export function eventStoreDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE ${s}.events (
       global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       event_id uuid NOT NULL UNIQUE,
       stream_id text NOT NULL,
       stream_version int NOT NULL CHECK (stream_version > 0),
       type text NOT NULL,
       schema_version int NOT NULL DEFAULT 1,
       data jsonb NOT NULL,
       metadata jsonb NOT NULL DEFAULT '{}',
       transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
       recorded_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
     )`,
    // The relay reads in commit order: (transaction_id, global_position).
    `CREATE INDEX events_commit_order ON ${s}.events (transaction_id, global_position)`,
    `CREATE INDEX events_type_position ON ${s}.events (type, global_position)`,
    `CREATE TABLE ${s}.snapshots (
       stream_id text PRIMARY KEY,
       version int NOT NULL,
       state jsonb NOT NULL,
       taken_at timestamptz NOT NULL DEFAULT now()
     )`,
  ];
}

/** The NOTIFY channel the relay listens on; `CommitSignal` notifies it after each append commits. */
export const eventsChannel = (schema: string): string => `${schema}_events`;

/**
 * The TypeORM migrations installing the event store in `schema`; list them first in a service's
 * migrations (`storeMigrations` in libs/relay lists them with the relay's and the inbox's).
 * The first also laid the subscription and inbox tables on installs made before those moved to
 * their libs, whose own migrations create them only where missing. The second removes the per-statement NOTIFY trigger of earlier installs, whose
 * notify lock serialised all commits; appenders now signal after commit (`CommitSignal`).
 */
export function eventStoreMigrations(schema: string): (new () => MigrationInterface)[] {
  const s = `"${schema}"`;
  class EventStore1764000000000 implements MigrationInterface {
    name = 'EventStore1764000000000';
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of eventStoreDdl(schema)) await queryRunner.query(statement);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP SCHEMA ${s} CASCADE`);
    }
  }
  class EventStoreSignalAfterCommit1764000000001 implements MigrationInterface {
    name = 'EventStoreSignalAfterCommit1764000000001';
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TRIGGER IF EXISTS events_notify ON ${s}.events`);
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${s}.notify_events()`);
    }
    async down(): Promise<void> {
      // Nothing to restore: the trigger is not wanted back.
    }
  }
  return [EventStore1764000000000, EventStoreSignalAfterCommit1764000000001];
}
