import { MigrationInterface, QueryRunner } from 'typeorm';

/** Operators list failed (exhausted) deliveries across merchants, newest failure first. */
export class FailedWebhookDeliveries1764000000810 implements MigrationInterface {
  name = 'FailedWebhookDeliveries1764000000810';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_failed ON merchant.webhook_deliveries (last_attempt_at DESC, id DESC) WHERE status = 'failed'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX merchant.webhook_deliveries_failed');
  }
}
