import { ContractEvent } from '@app/contracts';
import { EachStatement, defineProjection } from '@app/messaging';

type Event<T extends ContractEvent<'merchant'>['type']> = ContractEvent<'merchant', T>;

const set =
  <T extends ContractEvent<'merchant'>['type']>(assignments: string, values: (event: Event<T>) => unknown[]): EachStatement<Event<T>> =>
  (manager, event) =>
    manager.query(`UPDATE fraud.merchant_profiles SET ${assignments}, version = $2 WHERE merchant_id = $1`, [
      event.data.id,
      event.streamVersion,
      ...values(event),
    ]);

/** What Fraud knows of merchants (`fraud.merchant_profiles`), from `fraud.merchant-events`. */
export const merchantProfiles = defineProjection({
  name: 'MerchantProfiles',
  consumer: 'fraud',
  producer: 'merchant',
  tables: ['fraud.merchant_profiles'],
  statements: {
    MerchantOnboarded: (manager, { data, streamVersion }) =>
      manager.query(
        `INSERT INTO fraud.merchant_profiles (merchant_id, status, version) VALUES ($1, 'active', $2) ON CONFLICT (merchant_id) DO NOTHING`,
        [data.id, streamVersion],
      ),
    MerchantSuspended: set('status = $3, suspension_reason = $4', (event) => ['suspended', event.data.reason]),
    MerchantReinstated: set('status = $3, suspension_reason = NULL', () => ['active']),
    BankAccountChanged: set('bank_account_changed_at = $3', (event) => [event.occurredAt]),
  },
});
