import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface CountryStats {
  country: string;
  totalAccounts: number;
  combinedLimit: number;
}

const SHARDS = 16;

/** An account always counts in the same shard of its country; which one only spreads the row locks. */
function shardOf(accountId: string): number {
  let hash = 0;
  for (let i = 0; i < accountId.length; i++) hash = (hash * 31 + accountId.charCodeAt(i)) | 0;
  return (hash >>> 0) % SHARDS;
}

/**
 * The business-intelligence read model: accounts and combined limits per country. Each country is
 * kept in up to 16 rows summed on read, so projections of different accounts rarely wait for
 * each other's row lock.
 */
@Injectable()
export class CountryStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<CountryStats[]> {
    return this.dataSource.query(
      `SELECT country, sum(total_accounts)::int AS "totalAccounts", sum(combined_limit)::float8 AS "combinedLimit"
         FROM account.country_stats GROUP BY country ORDER BY country`,
    );
  }

  async addAccount(manager: EntityManager, accountId: string, country: string, limit: number): Promise<void> {
    await manager.query(
      `INSERT INTO account.country_stats (country, shard, total_accounts, combined_limit) VALUES ($1, $2, 1, $3)
       ON CONFLICT (country, shard) DO UPDATE SET total_accounts = country_stats.total_accounts + 1,
         combined_limit = country_stats.combined_limit + excluded.combined_limit`,
      [country, shardOf(accountId), limit],
    );
  }

  async changeLimit(manager: EntityManager, accountId: string, country: string, delta: number): Promise<void> {
    if (delta === 0) return;
    await manager.query(`UPDATE account.country_stats SET combined_limit = combined_limit + $3 WHERE country = $1 AND shard = $2`, [
      country,
      shardOf(accountId),
      delta,
    ]);
  }
}
