import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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

/** Reads `merchant.sales` (one row per completed checkout) and `merchant.sales_totals` (per merchant and currency); the salesLedger projection writes them. */
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
}
