import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints, one row per notification and endpoint (its delivery log and retry state), and
 * what Merchant needs to know of a checkout of a merchant with endpoints (its items and start, which
 * later events do not carry). An endpoint's lease lets one process at a time send to it.
 */
export class MerchantWebhooks1764000000800 implements MigrationInterface {
  name = 'MerchantWebhooks1764000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE merchant.webhook_endpoints (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL,
      url text NOT NULL CHECK (length(url) <= 2048),
      events text[] NOT NULL,
      secret text NOT NULL,
      previous_secret text,
      previous_secret_until timestamptz,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      disabled_at timestamptz,
      failing_since timestamptz,
      lease_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (merchant_id, url)
    )`);
    await queryRunner.query(`CREATE TABLE merchant.webhook_deliveries (
      id uuid PRIMARY KEY,
      endpoint_id uuid NOT NULL REFERENCES merchant.webhook_endpoints (id) ON DELETE CASCADE,
      checkout_id uuid,
      event_type text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      last_latency_ms integer,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_due ON merchant.webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`,
    );
    await queryRunner.query('CREATE INDEX webhook_deliveries_log ON merchant.webhook_deliveries (endpoint_id, created_at DESC, id)');
    await queryRunner.query(
      'CREATE INDEX webhook_deliveries_checkout ON merchant.webhook_deliveries (checkout_id) WHERE checkout_id IS NOT NULL',
    );
    await queryRunner.query(`CREATE TABLE merchant.webhook_checkouts (
      checkout_id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL,
      total bigint NOT NULL,
      currency text NOT NULL,
      items jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merchant.webhook_checkouts');
    await queryRunner.query('DROP TABLE merchant.webhook_deliveries');
    await queryRunner.query('DROP TABLE merchant.webhook_endpoints');
  }
}
