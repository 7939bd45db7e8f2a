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

  /** Keeps the latest purchases in the account's own currency; other currencies cannot be compared with them. */
  async purchased(manager: EntityManager, accountId: string, amount: number, currency: string, version: number): Promise<void> {
    await manager.query(
      `UPDATE fraud.account_profiles
          SET purchase_count = purchase_count + 1,
              recent_amounts = CASE WHEN currency = $3
                THEN (recent_amounts || $2::bigint)[greatest(1, cardinality(recent_amounts) + 2 - $4::int):]
                ELSE recent_amounts END,
              version = $5
        WHERE account_id = $1`,
      [accountId, amount, currency, RECENT_PURCHASES, version],
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

  /** Records a started checkout and forgets the account's ones too old to matter to velocity. */
  async checkoutStarted(
    manager: EntityManager,
    start: { checkoutId: string; accountId: string; merchantId: string; total: number; currency: string; startedAt: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO fraud.checkout_starts (checkout_id, account_id, merchant_id, total, currency, started_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (checkout_id) DO NOTHING`,
      [start.checkoutId, start.accountId, start.merchantId, start.total, start.currency, start.startedAt],
    );
    await manager.query(
      `DELETE FROM fraud.checkout_starts WHERE account_id = $1 AND started_at < $2::timestamptz - interval '${CHECKOUT_RETENTION}'`,
      [start.accountId, start.startedAt],
    );
  }

  async truncate(manager: EntityManager, table: 'account_profiles' | 'merchant_profiles' | 'checkout_starts'): Promise<void> {
    await manager.query(`TRUNCATE fraud.${table}`);
  }
}
