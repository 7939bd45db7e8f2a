import { MigrationInterface, QueryRunner } from 'typeorm';
import { deadLetterSearchIndexes } from './ops-ddl';

/**
 * Edit and retry: an edited copy is a row of its own (`edit_of` names the one it replaces, which
 * turns `superseded`), so the original stays as it was. Retention deletes resolved dead letters
 * while their operators' actions stay: those references turn NULL instead of blocking the delete.
 * Idempotent, as installs created after it get all of this from `opsDdl`.
 */
export class DeadLetterEdits1764000000800 implements MigrationInterface {
  name = 'DeadLetterEdits1764000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'ALTER TABLE ops.dead_letters DROP CONSTRAINT IF EXISTS dead_letters_status_check',
      `ALTER TABLE ops.dead_letters ADD CONSTRAINT dead_letters_status_check
         CHECK (status IN ('dead', 'replayed', 'archived', 'superseded'))`,
      'ALTER TABLE ops.dead_letters ADD COLUMN IF NOT EXISTS edit_of bigint REFERENCES ops.dead_letters (id) ON DELETE SET NULL',
      'ALTER TABLE ops.dead_letters ADD COLUMN IF NOT EXISTS origin_message_id text',
      'ALTER TABLE ops.dead_letters ADD COLUMN IF NOT EXISTS superseded_at timestamptz',
      'ALTER TABLE ops.dead_letters ADD COLUMN IF NOT EXISTS superseded_by text',
      'ALTER TABLE ops.operator_actions DROP CONSTRAINT IF EXISTS operator_actions_dead_letter_id_fkey',
      `ALTER TABLE ops.operator_actions ADD CONSTRAINT operator_actions_dead_letter_id_fkey
         FOREIGN KEY (dead_letter_id) REFERENCES ops.dead_letters (id) ON DELETE SET NULL`,
      'CREATE INDEX IF NOT EXISTS operator_actions_at ON ops.operator_actions (at)',
      ...deadLetterSearchIndexes('"ops"'),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM ops.dead_letters WHERE status = 'superseded'");
    await queryRunner.query('ALTER TABLE ops.dead_letters DROP CONSTRAINT dead_letters_status_check');
    await queryRunner.query(
      "ALTER TABLE ops.dead_letters ADD CONSTRAINT dead_letters_status_check CHECK (status IN ('dead', 'replayed', 'archived'))",
    );
    await queryRunner.query(
      'ALTER TABLE ops.dead_letters DROP COLUMN edit_of, DROP COLUMN origin_message_id, DROP COLUMN superseded_at, DROP COLUMN superseded_by',
    );
  }
}
