import { MigrationInterface, QueryRunner } from 'typeorm';

export class FraudRiskProfiles1764000000300 implements MigrationInterface {
  name = 'FraudRiskProfiles1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Fed by fraud.account-events.
    await queryRunner.query(`CREATE TABLE fraud.account_profiles (
      account_id uuid PRIMARY KEY,
      status text NOT NULL,
      credit_limit bigint NOT NULL,
      currency char(3) NOT NULL,
      vip boolean NOT NULL DEFAULT false,
      address_changed_at timestamptz,
      purchase_count int NOT NULL DEFAULT 0,
      recent_amounts bigint[] NOT NULL DEFAULT '{}',
      version int NOT NULL
    )`);
    // Fed by fraud.merchant-events.
    await queryRunner.query(`CREATE TABLE fraud.merchant_profiles (
      merchant_id uuid PRIMARY KEY,
      status text NOT NULL,
      suspension_reason text,
      bank_account_changed_at timestamptz,
      version int NOT NULL
    )`);
    // Fed by fraud.checkout-events: the velocity window's started checkouts.
    await queryRunner.query(`CREATE TABLE fraud.checkout_starts (
      checkout_id uuid PRIMARY KEY,
      account_id uuid NOT NULL,
      merchant_id uuid NOT NULL,
      total bigint NOT NULL,
      currency char(3) NOT NULL,
      started_at timestamptz NOT NULL
    )`);
    await queryRunner.query('CREATE INDEX checkout_starts_by_account ON fraud.checkout_starts (account_id, started_at)');
    // Velocity counts an account's own recent assessments straight from the event table.
    await queryRunner.query(
      `CREATE INDEX events_fraud_assessed_by_account ON fraud.events ((data->>'accountId'), recorded_at) WHERE type = 'FraudAssessed'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX fraud.events_fraud_assessed_by_account');
    await queryRunner.query('DROP TABLE fraud.checkout_starts, fraud.merchant_profiles, fraud.account_profiles');
  }
}
