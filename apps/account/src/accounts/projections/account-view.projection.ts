import { ContractEvent } from '@app/contracts';
import { EachStatement, defineProjection } from '@app/messaging';
import { EntityManager } from 'typeorm';

type Event<T extends ContractEvent<'account'>['type']> = ContractEvent<'account', T>;

const COUNTRY_SHARDS = 16;

/** An account always counts in the same shard of its country; which one only spreads the row locks. */
export function countryShardOf(accountId: string): number {
  let hash = 0;
  for (let i = 0; i < accountId.length; i++) hash = (hash * 31 + accountId.charCodeAt(i)) | 0;
  return (hash >>> 0) % COUNTRY_SHARDS;
}

/** Brings one account's view to the event's version; answers the columns asked for. */
async function updateView(
  manager: EntityManager,
  event: Event<ContractEvent<'account'>['type']>,
  assignments: string,
  values: unknown[],
  returning = 'id',
) {
  const [rows] = (await manager.query(`UPDATE account.account_view SET ${assignments}, version = $2 WHERE id = $1 RETURNING ${returning}`, [
    event.data.id,
    event.streamVersion,
    ...values,
  ])) as [Record<string, string>[], number];
  // The transport applies AccountOpened first, so a missing row is a fault worth retrying, not a skip.
  if (rows.length === 0) throw new Error(`account view ${event.data.id} is missing at version ${event.streamVersion}`);
  return rows;
}

/** Available funds move with the limit (balance = limit − open purchases), and so does the country's combined limit. */
const limitSet: EachStatement<Event<'LimitUpdated' | 'LimitChanged'>> = async (manager, event) => {
  const { id, newLimit, oldLimit } = event.data;
  const [{ country }] = await updateView(
    manager,
    event,
    'credit_limit = $3, balance = balance + ($3::bigint - $4::bigint)',
    [newLimit, oldLimit],
    'country',
  );
  if (newLimit === oldLimit) return;
  await manager.query(`UPDATE account.country_stats SET combined_limit = combined_limit + $3 WHERE country = $1 AND shard = $2`, [
    country,
    countryShardOf(id),
    newLimit - oldLimit,
  ]);
};

/**
 * A run of purchases and refunds in one statement: each account's balance is the one its latest event
 * of the run states, and its version that event's. Several events of one account may be in a run.
 */
const balanceChanged = {
  async batch(manager: EntityManager, events: readonly Event<'ItemPurchased' | 'PurchaseRefunded'>[]) {
    const [rows] = (await manager.query(
      `UPDATE account.account_view v SET balance = i.balance, version = i.version
         FROM (SELECT DISTINCT ON (id) id, balance, version
                 FROM unnest($1::uuid[], $2::bigint[], $3::int[]) WITH ORDINALITY AS e(id, balance, version, ord)
                ORDER BY id, ord DESC) AS i
        WHERE v.id = i.id RETURNING v.id`,
      [events.map((e) => e.data.id), events.map((e) => e.data.balanceAfter), events.map((e) => e.streamVersion)],
    )) as [unknown[], number];
    const accounts = new Set(events.map((e) => e.data.id)).size;
    if (rows.length < accounts) throw new Error(`${accounts - rows.length} of ${accounts} account views are missing`);
  },
};

const setVip =
  (vip: boolean): EachStatement<Event<'VipStatusGranted' | 'VipStatusRevoked'>> =>
  (manager, event) =>
    updateView(manager, event, 'vip = $3', [vip]);

/**
 * The account view (GET /accounts/:id) and the country statistics (GET /stats/countries), from
 * `account.account-events`; nothing else writes them. The transport applies each stream's events
 * once and in version order, inside the consumer's transaction, so each statement is a plain write
 * to the version the event carries.
 */
export const accountView = defineProjection({
  name: 'AccountView',
  consumer: 'account',
  producer: 'account',
  tables: ['account.account_view', 'account.country_stats'],
  statements: {
    async AccountOpened(manager, { data, streamVersion }) {
      const { id, name, lastName, country, address, phoneNumber, limit, currency } = data;
      await manager.query(
        `INSERT INTO account.account_view (id, name, last_name, country, address, phone_numbers, credit_limit, balance, currency, status, vip, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, 'active', false, $9)`,
        [
          id,
          name,
          lastName,
          country,
          JSON.stringify(address),
          JSON.stringify(phoneNumber ? [phoneNumber] : []),
          limit,
          currency,
          streamVersion,
        ],
      );
      await manager.query(
        `INSERT INTO account.country_stats (country, shard, total_accounts, combined_limit) VALUES ($1, $2, 1, $3)
         ON CONFLICT (country, shard) DO UPDATE SET total_accounts = country_stats.total_accounts + 1,
           combined_limit = country_stats.combined_limit + excluded.combined_limit`,
        [country, countryShardOf(id), limit],
      );
    },
    LimitUpdated: limitSet,
    LimitChanged: limitSet,
    // The view keeps the address in the shape of GET /accounts/:id (`zip`), with its country once one is recorded.
    AddressUpdated: (manager, event) => {
      const { street, city, postalCode, country } = event.data.address;
      return updateView(manager, event, 'address = $3', [
        JSON.stringify({ street, city, zip: postalCode, ...(country === null ? {} : { country }) }),
      ]);
    },
    PhoneNumberAdded: (manager, event) =>
      updateView(manager, event, 'phone_numbers = phone_numbers || jsonb_build_array($3::text)', [event.data.phoneNumber]),
    StatusChanged: (manager, event) => updateView(manager, event, 'status = $3', [event.data.newStatus]),
    VipStatusGranted: setVip(true),
    VipStatusRevoked: setVip(false),
    ItemPurchased: balanceChanged,
    PurchaseRefunded: balanceChanged,
  },
});
