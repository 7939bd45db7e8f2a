import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests per merchant key and fixed window, shared by every Checkout instance. Unlogged: a count
 * lost in a crash only lets one window's requests through again, and no WAL is written per request.
 */
export class CheckoutRequestCounts1764000000700 implements MigrationInterface {
  name = 'CheckoutRequestCounts1764000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE UNLOGGED TABLE checkout.request_counts (
      key_id text NOT NULL,
      window_start timestamptz NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (key_id, window_start)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE checkout.request_counts');
  }
}
