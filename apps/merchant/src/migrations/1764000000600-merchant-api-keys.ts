import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issued merchant API keys, by hash only: the key itself is shown once and never stored. */
export class MerchantApiKeys1764000000600 implements MigrationInterface {
  name = 'MerchantApiKeys1764000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE merchant.api_keys (
      key_hash bytea PRIMARY KEY,
      merchant_id uuid NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query('CREATE INDEX api_keys_by_merchant ON merchant.api_keys (merchant_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merchant.api_keys');
  }
}
