import { ContractEvent } from '@app/contracts';
import { EachStatement, defineProjection } from '@app/messaging';
import { EntityManager } from 'typeorm';

/** How many of an account's latest purchases make up its "usual" amount. */
export const RECENT_PURCHASES = 20;

type Event<T extends ContractEvent<'account'>['type']> = ContractEvent<'account', T>;

const set =
  <T extends ContractEvent<'account'>['type']>(column: string, value: (event: Event<T>) => unknown): EachStatement<Event<T>> =>
  (manager, event) =>
    manager.query(`UPDATE fraud.account_profiles SET ${column} = $2, version = $3 WHERE account_id = $1`, [
      event.data.id,
      value(event),
      event.streamVersion,
    ]);

// A limit set by an operator and one forced by a lock (to 0) matter alike.
const limitSet = set<'LimitUpdated' | 'LimitChanged'>('credit_limit', (event) => event.data.newLimit);
const vipSet = set<'VipStatusGranted' | 'VipStatusRevoked'>('vip', (event) => event.type === 'VipStatusGranted');

/**
 * Counts purchases and keeps each account's latest amounts in its own currency (others cannot be
 * compared with them), for a run of purchases in one statement; a run may hold several of one account,
 * which count in delivery order.
 */
const purchased = {
  batch: (manager: EntityManager, events: readonly Event<'ItemPurchased'>[]) =>
    manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::char(3)[], $4::int[]) WITH ORDINALITY AS i(account_id, amount, currency, version, ord)
       ), per_account AS (
         SELECT p.account_id, count(*) AS purchases, max(i.version) AS version,
                coalesce(array_agg(i.amount ORDER BY i.ord) FILTER (WHERE i.currency = p.currency), '{}') AS amounts
           FROM input i JOIN fraud.account_profiles p ON p.account_id = i.account_id
          GROUP BY p.account_id
       )
       UPDATE fraud.account_profiles p
          SET purchase_count = p.purchase_count + a.purchases,
              recent_amounts = (p.recent_amounts || a.amounts)[greatest(1, cardinality(p.recent_amounts) + cardinality(a.amounts) + 1 - $5::int):],
              version = a.version
         FROM per_account a
        WHERE p.account_id = a.account_id`,
      [
        events.map((e) => e.data.id),
        events.map((e) => e.data.amount),
        events.map((e) => e.data.currency),
        events.map((e) => e.streamVersion),
        RECENT_PURCHASES,
      ],
    ),
};

/** The account side of the risk profile (`fraud.account_profiles`), from `fraud.account-events`. */
export const accountProfiles = defineProjection({
  name: 'AccountProfiles',
  consumer: 'fraud',
  producer: 'account',
  tables: ['fraud.account_profiles'],
  statements: {
    AccountOpened: (manager, { data, streamVersion }) =>
      manager.query(
        `INSERT INTO fraud.account_profiles (account_id, status, credit_limit, currency, version) VALUES ($1, 'active', $2, $3, $4)
         ON CONFLICT (account_id) DO NOTHING`,
        [data.id, data.limit, data.currency, streamVersion],
      ),
    LimitUpdated: limitSet,
    LimitChanged: limitSet,
    AddressUpdated: set('address_changed_at', (event) => event.occurredAt),
    StatusChanged: set('status', (event) => event.data.newStatus),
    VipStatusGranted: vipSet,
    VipStatusRevoked: vipSet,
    ItemPurchased: purchased,
  },
});
