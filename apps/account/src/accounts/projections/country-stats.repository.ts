import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface CountryStats {
  country: string;
  totalAccounts: number;
  combinedLimit: number;
}

/**
 * The business-intelligence read model: accounts and combined limits per country. Each country is
 * kept in up to 16 rows summed on read (written by the accountView projection), so projections of
 * different accounts rarely wait for each other's row lock.
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
}
