import { projectionSpec } from '@app/testing';
import { AccountReadModels1764000000100 } from '../../migrations/1764000000100-account-read-models';
import { CountryStatsShards1764000000200 } from '../../migrations/1764000000200-country-stats-shards';
import { accountView } from './account-view.projection';

const ada = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const address = { street: '1 Old Rd', city: 'York', zip: 'YO1' };

describe('accountView projection', () => {
  const spec = projectionSpec(accountView, { migrations: [AccountReadModels1764000000100, CountryStatsShards1764000000200] });
  const opened = (id: string, limit: number, country = 'GB') =>
    spec.event('AccountOpened', { id, name: 'Ada', lastName: 'Lovelace', country, address, phoneNumber: '+44 1', limit, currency: 'EUR' });
  const purchased = (id: string, amount: number, balanceAfter: number) =>
    spec.event('ItemPurchased', { id, transactionId: `t-${balanceAfter}`, amount, currency: 'EUR', balanceAfter });
  const refunded = (id: string, amount: number, balanceAfter: number) =>
    spec.event('PurchaseRefunded', { id, transactionId: `t-${amount}`, amount, currency: 'EUR', balanceAfter });

  it('given an opened account, then its view is active at version 1 with its limit as its balance', () =>
    spec.given([opened(ada, 1_000)]).thenRows([
      {
        id: ada,
        name: 'Ada',
        last_name: 'Lovelace',
        country: 'GB',
        address,
        phone_numbers: ['+44 1'],
        credit_limit: 1_000,
        balance: 1_000,
        currency: 'EUR',
        status: 'active',
        vip: false,
        version: 1,
      },
    ]));

  it('given a limit change after a purchase, then the balance moves with the limit, and so does the country total', async () => {
    const events = [
      opened(ada, 1_000),
      purchased(ada, 300, 700),
      spec.event('LimitUpdated', { id: ada, newLimit: 2_000, oldLimit: 1_000 }),
      opened(bob, 500, 'FR'),
      spec.event('LimitChanged', { id: bob, newLimit: 0, oldLimit: 500 }),
    ];
    await spec.given(events).thenRows([
      { id: ada, credit_limit: 2_000, balance: 1_700, version: 3 },
      { id: bob, credit_limit: 0, balance: 0, version: 2 },
    ]);
    await spec.given(events).thenRows('account.country_stats', [
      { country: 'GB', total_accounts: 1, combined_limit: 2_000 },
      { country: 'FR', total_accounts: 1, combined_limit: 0 },
    ]);
  });

  it('given accounts of two countries, then each country counts its accounts and combined limit (in its shards)', () =>
    spec
      .given([opened(ada, 1_000, 'GB'), spec.event('LimitUpdated', { id: ada, newLimit: 1_500, oldLimit: 1_000 }), opened(bob, 500, 'FR')])
      .thenRows('account.country_stats', [
        { country: 'GB', total_accounts: 1, combined_limit: 1_500 },
        { country: 'FR', total_accounts: 1, combined_limit: 500 },
      ]));

  it('given several purchases and refunds of one account in one batch, then the latest balance and version win', () =>
    spec
      .given([
        opened(ada, 1_000),
        opened(bob, 1_000),
        purchased(ada, 100, 900),
        purchased(bob, 50, 950),
        refunded(ada, 100, 1_000),
        purchased(ada, 400, 600),
      ])
      .thenRows([
        { id: ada, balance: 600, version: 4 },
        { id: bob, balance: 950, version: 2 },
      ]));

  it('given address, phone, status and VIP changes, then the view shows each at the latest version', () =>
    spec
      .given([
        opened(ada, 1_000),
        spec.event('AddressUpdated', {
          id: ada,
          address: { street: '2 New Rd', city: 'Paris', postalCode: '75001', country: 'FR' },
          previousAddress: { street: '1 Old Rd', city: 'York', postalCode: 'YO1', country: null },
        }),
        spec.event('PhoneNumberAdded', { id: ada, phoneNumber: '+33 2' }),
        spec.event('StatusChanged', { id: ada, oldStatus: 'active', newStatus: 'locked' }),
        spec.event('VipStatusGranted', { id: ada }),
        spec.event('VipStatusRevoked', { id: ada }),
        spec.event('VipStatusGranted', { id: ada }),
      ])
      .thenRows([
        {
          id: ada,
          address: { street: '2 New Rd', city: 'Paris', zip: '75001', country: 'FR' },
          phone_numbers: ['+44 1', '+33 2'],
          status: 'locked',
          vip: true,
          version: 7,
        },
      ]));

  it('given an address with no country of its own (one upcast from v1), then the view keeps the account’s country implicit', () =>
    spec
      .given([
        opened(ada, 1_000),
        spec.event('AddressUpdated', {
          id: ada,
          address: { street: '3 Mill Ln', city: 'Leeds', postalCode: 'LS1', country: null },
          previousAddress: { street: '1 Old Rd', city: 'York', postalCode: 'YO1', country: null },
        }),
      ])
      .thenRows([{ id: ada, address: { street: '3 Mill Ln', city: 'Leeds', zip: 'LS1' } }]));

  it('given an event of an account it never saw opened, then it fails, to be retried, rather than skip it', () =>
    spec.given([purchased(bob, 1, 1)]).thenFails('1 of 1 account views are missing'));
});
