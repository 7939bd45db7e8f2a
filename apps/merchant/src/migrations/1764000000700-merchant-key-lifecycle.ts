import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys get an id, a last use and an end (rolled or revoked); merchants may get a request limit of
 * their own. Keys issued before ids are named by the head of the hash already stored, which is
 * what verifiers compute for such a key (legacyMerchantKeyId), so they can be revoked too.
 */
export class MerchantKeyLifecycle1764000000700 implements MigrationInterface {
  name = 'MerchantKeyLifecycle1764000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE merchant.api_keys
      ADD COLUMN key_id text,
      ADD COLUMN last_used_at timestamptz,
      ADD COLUMN expires_at timestamptz,
      ADD COLUMN revoked_at timestamptz`);
    await queryRunner.query(`UPDATE merchant.api_keys SET key_id = substr(encode(key_hash, 'hex'), 1, 16)`);
    await queryRunner.query('ALTER TABLE merchant.api_keys ALTER COLUMN key_id SET NOT NULL');
    await queryRunner.query('CREATE UNIQUE INDEX api_keys_by_id ON merchant.api_keys (key_id)');
    // Every verifier reads the keys with an end once a second: keep them apart from the rest.
    await queryRunner.query('CREATE INDEX api_keys_ending ON merchant.api_keys (expires_at) WHERE expires_at IS NOT NULL');
    await queryRunner.query(`CREATE TABLE merchant.request_limits (
      merchant_id uuid PRIMARY KEY,
      requests integer NOT NULL CHECK (requests > 0),
      window_seconds integer NOT NULL CHECK (window_seconds > 0),
      set_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merchant.request_limits');
    await queryRunner.query('DROP INDEX merchant.api_keys_ending');
    await queryRunner.query('DROP INDEX merchant.api_keys_by_id');
    await queryRunner.query(
      'ALTER TABLE merchant.api_keys DROP COLUMN key_id, DROP COLUMN last_used_at, DROP COLUMN expires_at, DROP COLUMN revoked_at',
    );
  }
}
