import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface Sale {
  checkoutId: string;
  accountId: string;
  total: number;
  currency: string;
  completedAt: string;
}

export interface SalesLedger {
  merchantId: string;
  /** Sales across all currencies. */
  count: number;
  totals: { currency: string; total: number; count: number }[];
  lastSales: Sale[];
}

/** `merchant.sales` (one row per completed checkout) and `merchant.sales_totals` (per merchant and currency). */
@Injectable()
export class SalesLedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ledger(merchantId: string, last: number): Promise<SalesLedger> {
    const [totals, lastSales] = await Promise.all([
      this.dataSource.query(
        `SELECT currency, total::float8 AS total, sales_count AS count
           FROM merchant.sales_totals WHERE merchant_id = $1 ORDER BY currency`,
        [merchantId],
      ) as Promise<SalesLedger['totals']>,
      this.dataSource.query(
        `SELECT checkout_id AS "checkoutId", account_id AS "accountId", total::float8 AS total, currency, completed_at AS "completedAt"
           FROM merchant.sales WHERE merchant_id = $1 ORDER BY completed_at DESC, checkout_id LIMIT $2`,
        [merchantId, last],
      ) as Promise<(Omit<Sale, 'completedAt'> & { completedAt: Date })[]>,
    ]);
    return {
      merchantId,
      count: totals.reduce((sum, row) => sum + row.count, 0),
      totals,
      lastSales: lastSales.map((sale) => ({ ...sale, completedAt: sale.completedAt.toISOString() })),
    };
  }

  /**
   * Records completed checkouts once each, in one statement: a second record of the same checkout
   * changes no total, and the totals grow by the sales inserted, per merchant and currency.
   */
  async recordSales(manager: EntityManager, sales: readonly (Sale & { merchantId: string })[]): Promise<void> {
    await manager.query(
      `WITH inserted AS (
         INSERT INTO merchant.sales (checkout_id, merchant_id, account_id, total, currency, completed_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::timestamptz[])
         ON CONFLICT (checkout_id) DO NOTHING RETURNING merchant_id, currency, total
       )
       INSERT INTO merchant.sales_totals (merchant_id, currency, total, sales_count)
       SELECT merchant_id, currency, sum(total), count(*) FROM inserted GROUP BY merchant_id, currency
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET total = sales_totals.total + excluded.total, sales_count = sales_totals.sales_count + excluded.sales_count`,
      [
        sales.map((sale) => sale.checkoutId),
        sales.map((sale) => sale.merchantId),
        sales.map((sale) => sale.accountId),
        sales.map((sale) => sale.total),
        sales.map((sale) => sale.currency),
        sales.map((sale) => sale.completedAt),
      ],
    );
  }

  async truncate(manager: EntityManager): Promise<void> {
    await manager.query('TRUNCATE merchant.sales, merchant.sales_totals');
  }
}
