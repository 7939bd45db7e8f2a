import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface CountryStats {
  country: string;
  totalAccounts: number;
  combinedLimit: number;
}

/** The business-intelligence read model: accounts and combined limits per country. */
@Injectable()
export class CountryStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<CountryStats[]> {
    return this.dataSource.query(
      `SELECT country, total_accounts AS "totalAccounts", combined_limit::float8 AS "combinedLimit"
         FROM account.country_stats ORDER BY country`,
    );
  }

  async addAccount(manager: EntityManager, country: string, limit: number): Promise<void> {
    await manager.query(
      `INSERT INTO account.country_stats (country, total_accounts, combined_limit) VALUES ($1, 1, $2)
       ON CONFLICT (country) DO UPDATE SET total_accounts = country_stats.total_accounts + 1,
         combined_limit = country_stats.combined_limit + excluded.combined_limit`,
      [country, limit],
    );
  }

  async changeLimit(manager: EntityManager, country: string, delta: number): Promise<void> {
    await manager.query(`UPDATE account.country_stats SET combined_limit = combined_limit + $2 WHERE country = $1`, [country, delta]);
  }
}
