import { ContractEvent } from '@app/contracts';
import { defineProjection } from '@app/messaging';
import { EntityManager } from 'typeorm';

/** How long started checkouts are kept: well beyond the velocity window, bounded per account. */
const CHECKOUT_RETENTION = '1 hour';

/** Records started checkouts once each and forgets their accounts' ones too old to matter to velocity. */
async function checkoutsStarted(manager: EntityManager, events: readonly ContractEvent<'checkout', 'CheckoutStarted'>[]) {
  const accounts = events.map((e) => e.data.accountId);
  const startedAt = events.map((e) => e.occurredAt);
  await manager.query(
    `INSERT INTO fraud.checkout_starts (checkout_id, account_id, merchant_id, total, currency, started_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::timestamptz[])
     ON CONFLICT (checkout_id) DO NOTHING`,
    [
      events.map((e) => e.data.checkoutId),
      accounts,
      events.map((e) => e.data.merchantId),
      events.map((e) => e.data.total),
      events.map((e) => e.data.currency),
      startedAt,
    ],
  );
  // After the insert, as one start after another would: a start of the run may be old enough to go.
  await manager.query(
    `DELETE FROM fraud.checkout_starts c USING unnest($1::uuid[], $2::timestamptz[]) AS i(account_id, started_at)
      WHERE c.account_id = i.account_id AND c.started_at < i.started_at - interval '${CHECKOUT_RETENTION}'`,
    [accounts, startedAt],
  );
}

/** Started checkouts per account for the velocity rule (`fraud.checkout_starts`), from `fraud.checkout-events`. */
export const checkoutActivity = defineProjection({
  name: 'CheckoutActivity',
  consumer: 'fraud',
  producer: 'checkout',
  tables: ['fraud.checkout_starts'],
  statements: { CheckoutStarted: { batch: checkoutsStarted } },
});
