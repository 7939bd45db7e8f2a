import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountReadModels1764000000100 implements MigrationInterface {
  name = 'AccountReadModels1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE account.account_view (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      last_name text NOT NULL,
      country char(2) NOT NULL,
      address jsonb NOT NULL,
      phone_numbers jsonb NOT NULL DEFAULT '[]',
      credit_limit bigint NOT NULL,
      balance bigint NOT NULL,
      currency char(3) NOT NULL,
      status text NOT NULL,
      vip boolean NOT NULL DEFAULT false,
      version int NOT NULL
    )`);
    await queryRunner.query(`CREATE TABLE account.country_stats (
      country char(2) PRIMARY KEY,
      total_accounts int NOT NULL,
      combined_limit bigint NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE account.country_stats, account.account_view');
  }
}
