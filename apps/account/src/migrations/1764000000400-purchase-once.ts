import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account state keeps only its recent purchases, so "a transactionId is charged once, and
 * refunded once" rests on these indexes over the event table, for every past transaction. They
 * also serve the lookup of an older purchase (PurchaseRecords).
 */
export class PurchaseOnce1764000000400 implements MigrationInterface {
  name = 'PurchaseOnce1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX events_purchase_once ON account.events (stream_id, (data->>'transactionId')) WHERE type = 'ItemPurchased'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX events_refund_once ON account.events (stream_id, (data->>'transactionId')) WHERE type = 'PurchaseRefunded'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX account.events_refund_once, account.events_purchase_once');
  }
}
