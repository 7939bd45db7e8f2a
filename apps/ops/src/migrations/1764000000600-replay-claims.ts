import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replay claims its dead letters in a short transaction and publishes after it, holding no row
 * lock while it awaits the broker's confirms; `replay_claimed_at` marks a claim not yet confirmed,
 * so one cut short by a crash turns back to `dead` instead of vanishing.
 */
export class ReplayClaims1764000000600 implements MigrationInterface {
  name = 'ReplayClaims1764000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ops.dead_letters ADD COLUMN IF NOT EXISTS replay_claimed_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ops.dead_letters DROP COLUMN replay_claimed_at');
  }
}
