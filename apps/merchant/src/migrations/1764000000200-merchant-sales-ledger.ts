import { MigrationInterface, QueryRunner } from 'typeorm';

export class MerchantSalesLedger1764000000200 implements MigrationInterface {
  name = 'MerchantSalesLedger1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE merchant.sales (
      checkout_id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL,
      account_id uuid NOT NULL,
      total bigint NOT NULL,
      currency char(3) NOT NULL,
      completed_at timestamptz NOT NULL
    )`);
    await queryRunner.query('CREATE INDEX sales_latest_by_merchant ON merchant.sales (merchant_id, completed_at DESC, checkout_id)');
    await queryRunner.query(`CREATE TABLE merchant.sales_totals (
      merchant_id uuid NOT NULL,
      currency char(3) NOT NULL,
      total bigint NOT NULL,
      sales_count int NOT NULL,
      PRIMARY KEY (merchant_id, currency)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merchant.sales_totals, merchant.sales');
  }
}
