import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Splits each country's statistics over 16 rows. Every account event of a country used to update
 * the same row, so concurrent projections queued on its lock while holding pooled connections.
 */
export class CountryStatsShards1764000000200 implements MigrationInterface {
  name = 'CountryStatsShards1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE account.country_stats ADD COLUMN shard smallint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE account.country_stats DROP CONSTRAINT country_stats_pkey`);
    await queryRunner.query(`ALTER TABLE account.country_stats ADD PRIMARY KEY (country, shard)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TEMP TABLE country_totals AS
      SELECT country, sum(total_accounts)::int AS total_accounts, sum(combined_limit)::bigint AS combined_limit FROM account.country_stats GROUP BY country`);
    await queryRunner.query(`TRUNCATE account.country_stats`);
    await queryRunner.query(`ALTER TABLE account.country_stats DROP CONSTRAINT country_stats_pkey`);
    await queryRunner.query(`ALTER TABLE account.country_stats DROP COLUMN shard`);
    await queryRunner.query(`INSERT INTO account.country_stats SELECT * FROM country_totals`);
    await queryRunner.query(`ALTER TABLE account.country_stats ADD PRIMARY KEY (country)`);
  }
}
