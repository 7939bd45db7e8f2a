import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** How many of an account's latest purchases make up its "usual" amount. */
export const RECENT_PURCHASES = 20;

/** How long started checkouts are kept: well beyond the velocity window, bounded per account. */
const CHECKOUT_RETENTION = '1 hour';

/**
 * Writes of the projections, each inside the consumer's transaction (`ctx.manager`). Each table is
 * fed by exactly one queue, so rebuilding one queue truncates only its own table.
 */
@Injectable()
export class RiskProfileRepository {
  async openAccount(manager: EntityManager, accountId: string, limit: number, currency: string, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO fraud.account_profiles (account_id, status, credit_limit, currency, version) VALUES ($1, 'active', $2, $3, $4)
       ON CONFLICT (account_id) DO NOTHING`,
      [accountId, limit, currency, version],
    );
  }

  async setLimit(manager: EntityManager, accountId: string, limit: number, version: number): Promise<void> {
    await manager.query(`UPDATE fraud.account_profiles SET credit_limit = $2, version = $3 WHERE account_id = $1`, [
      accountId,
      limit,
      version,
    ]);
  }

  async setStatus(manager: EntityManager, accountId: string, status: string, version: number): Promise<void> {
    await manager.query(`UPDATE fraud.account_profiles SET status = $2, version = $3 WHERE account_id = $1`, [accountId, status, version]);
  }

  async setVip(manager: EntityManager, accountId: string, vip: boolean, version: number): Promise<void> {
    await manager.query(`UPDATE fraud.account_profiles SET vip = $2, version = $3 WHERE account_id = $1`, [accountId, vip, version]);
  }

  async addressChanged(manager: EntityManager, accountId: string, at: string, version: number): Promise<void> {
    await manager.query(`UPDATE fraud.account_profiles SET address_changed_at = $2, version = $3 WHERE account_id = $1`, [
      accountId,
      at,
      version,
    ]);
  }

  /**
   * Keeps the latest purchases in each account's own currency; other currencies cannot be compared
   * with them. One statement for purchases of distinct accounts.
   */
  async purchased(
    manager: EntityManager,
    purchases: readonly { accountId: string; amount: number; currency: string; version: number }[],
  ): Promise<void> {
    await manager.query(
      `UPDATE fraud.account_profiles p
          SET purchase_count = p.purchase_count + 1,
              recent_amounts = CASE WHEN p.currency = i.currency
                THEN (p.recent_amounts || i.amount)[greatest(1, cardinality(p.recent_amounts) + 2 - $5::int):]
                ELSE p.recent_amounts END,
              version = i.version
         FROM unnest($1::uuid[], $2::bigint[], $3::char(3)[], $4::int[]) AS i(account_id, amount, currency, version)
        WHERE p.account_id = i.account_id`,
      [
        purchases.map((purchase) => purchase.accountId),
        purchases.map((purchase) => purchase.amount),
        purchases.map((purchase) => purchase.currency),
        purchases.map((purchase) => purchase.version),
        RECENT_PURCHASES,
      ],
    );
  }

  async onboardMerchant(manager: EntityManager, merchantId: string, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO fraud.merchant_profiles (merchant_id, status, version) VALUES ($1, 'active', $2) ON CONFLICT (merchant_id) DO NOTHING`,
      [merchantId, version],
    );
  }

  async setMerchantStatus(
    manager: EntityManager,
    merchantId: string,
    status: 'active' | 'suspended',
    reason: string | null,
    version: number,
  ) {
    await manager.query(`UPDATE fraud.merchant_profiles SET status = $2, suspension_reason = $3, version = $4 WHERE merchant_id = $1`, [
      merchantId,
      status,
      reason,
      version,
    ]);
  }

  async merchantBankAccountChanged(manager: EntityManager, merchantId: string, at: string, version: number): Promise<void> {
    await manager.query(`UPDATE fraud.merchant_profiles SET bank_account_changed_at = $2, version = $3 WHERE merchant_id = $1`, [
      merchantId,
      at,
      version,
    ]);
  }

  /** Records started checkouts and forgets their accounts' ones too old to matter to velocity. */
  async checkoutsStarted(
    manager: EntityManager,
    starts: readonly { checkoutId: string; accountId: string; merchantId: string; total: number; currency: string; startedAt: string }[],
  ): Promise<void> {
    const accounts = starts.map((start) => start.accountId);
    const startedAt = starts.map((start) => start.startedAt);
    await manager.query(
      `INSERT INTO fraud.checkout_starts (checkout_id, account_id, merchant_id, total, currency, started_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::timestamptz[])
       ON CONFLICT (checkout_id) DO NOTHING`,
      [
        starts.map((start) => start.checkoutId),
        accounts,
        starts.map((start) => start.merchantId),
        starts.map((start) => start.total),
        starts.map((start) => start.currency),
        startedAt,
      ],
    );
    // After the insert, as one start after another would: a start of the batch may be old enough to go.
    await manager.query(
      `DELETE FROM fraud.checkout_starts c USING unnest($1::uuid[], $2::timestamptz[]) AS i(account_id, started_at)
        WHERE c.account_id = i.account_id AND c.started_at < i.started_at - interval '${CHECKOUT_RETENTION}'`,
      [accounts, startedAt],
    );
  }

  async truncate(manager: EntityManager, table: 'account_profiles' | 'merchant_profiles' | 'checkout_starts'): Promise<void> {
    await manager.query(`TRUNCATE fraud.${table}`);
  }
}
