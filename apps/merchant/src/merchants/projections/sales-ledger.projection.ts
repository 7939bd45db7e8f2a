import { ContractEvent } from '@app/contracts';
import { defineProjection } from '@app/messaging';
import { EntityManager } from 'typeorm';

/**
 * Records completed checkouts once each, in one statement: a second record of the same checkout
 * (in this run or an earlier one) changes no total, and the totals grow by the sales inserted, per
 * merchant and currency.
 */
export const salesRecorded = (manager: EntityManager, events: readonly ContractEvent<'checkout', 'CheckoutCompleted'>[]) =>
  manager.query(
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
      events.map((e) => e.data.checkoutId),
      events.map((e) => e.data.merchantId),
      events.map((e) => e.data.accountId),
      events.map((e) => e.data.total),
      events.map((e) => e.data.currency),
      events.map((e) => e.occurredAt),
    ],
  );

/**
 * The merchant's sales ledger (`merchant.sales`, `merchant.sales_totals`), from `merchant.checkout-events`.
 * Only `CheckoutCompleted` counts: a completed checkout is final (Checkout compensates only before
 * completion), so no later `CheckoutCompensated` can take a sale back.
 */
export const salesLedger = defineProjection({
  name: 'SalesLedger',
  consumer: 'merchant',
  producer: 'checkout',
  tables: ['merchant.sales', 'merchant.sales_totals'],
  statements: { CheckoutCompleted: { batch: salesRecorded } },
});
