import { MigrationInterface, QueryRunner } from 'typeorm';

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
  class MessagingParkedStreams1764000000004 implements MigrationInterface {
    name = 'MessagingParkedStreams1764000000004';
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of parkedStreamsDdl(schema)) await queryRunner.query(statement);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE IF EXISTS "${schema}".parked_streams`);
    }
  }
  return [MessagingParkedStreams1764000000004];
}
