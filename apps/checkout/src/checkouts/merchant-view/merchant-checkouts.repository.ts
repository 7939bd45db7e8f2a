import { DataSource } from 'typeorm';
import { MerchantCheckoutRow } from './merchant-checkout.view';

/** Which checkouts a list asks for; every field but `limit` is optional. */
export interface CheckoutListFilter {
  /** Absent only for the operator, who may list every merchant's checkouts. */
  merchantId?: string;
  status?: 'pending' | 'completed' | 'rejected';
  createdFrom?: Date;
  createdTo?: Date;
  /** Only checkouts listed after this position (the cursor), newest first. */
  before?: bigint;
  limit: number;
}

const COLUMNS = `m.checkout_id AS "checkoutId", m.merchant_id AS "merchantId", m.status, m.total::float8 AS total, m.currency,
  m.items, m.reason, m.created_at AS "createdAt", m.updated_at AS "updatedAt", u.next_attempt_at AS "nextAttemptAt",
  m.position::text AS position`;

/**
 * `merchant_checkouts` (merchant-checkouts.ddl.ts), joined with the retry schedule of the unfinished
 * ones. Its rows are written by the trigger that follows the events, never from here.
 */
export class MerchantCheckoutsRepository {
  private readonly from: string;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `"${schema}".merchant_checkouts`;
    this.from = `${this.table} m LEFT JOIN "${schema}".unfinished_checkouts u ON u.checkout_id = m.checkout_id`;
  }

  /** The checkout this merchant started with this Idempotency-Key, if any, whatever the scheme that made its id. */
  async idFor(merchantId: string, idempotencyKey: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT checkout_id AS "checkoutId" FROM ${this.table} WHERE merchant_id = $1 AND idempotency_key = $2 ORDER BY position LIMIT 1`,
      [merchantId, idempotencyKey],
    );
    return row?.checkoutId;
  }

  /** The checkout, if it exists and (when a merchant is given) is that merchant's. */
  async find(checkoutId: string, merchantId?: string): Promise<MerchantCheckoutRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.from} WHERE m.checkout_id = $1 AND ($2::uuid IS NULL OR m.merchant_id = $2)`,
      [checkoutId, merchantId ?? null],
    );
    return row;
  }

  /** Up to `limit` checkouts matching the filter, newest first, and whether more follow. */
  async list(filter: CheckoutListFilter): Promise<{ rows: MerchantCheckoutRow[]; more: boolean }> {
    const rows: MerchantCheckoutRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.from}
        WHERE ($1::uuid IS NULL OR m.merchant_id = $1) AND ($2::text IS NULL OR m.status = $2)
          AND ($3::timestamptz IS NULL OR m.created_at >= $3) AND ($4::timestamptz IS NULL OR m.created_at < $4)
          AND ($5::bigint IS NULL OR m.position < $5)
        ORDER BY m.position DESC LIMIT $6`,
      [
        filter.merchantId ?? null,
        filter.status ?? null,
        filter.createdFrom ?? null,
        filter.createdTo ?? null,
        filter.before?.toString() ?? null,
        filter.limit + 1,
      ],
    );
    return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  }
}
