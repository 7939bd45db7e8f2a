import { MigrationInterface, QueryRunner } from 'typeorm';

/** A delivery remembers the trace of the event that caused it, so its attempts join that checkout's trace. */
export class WebhookDeliveryTrace1764000000820 implements MigrationInterface {
  name = 'WebhookDeliveryTrace1764000000820';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merchant.webhook_deliveries ADD COLUMN traceparent text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merchant.webhook_deliveries DROP COLUMN traceparent');
  }
}
