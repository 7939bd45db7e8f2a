import { projectionSpec } from '@app/testing';
import { FraudRiskProfiles1764000000300 } from '../../migrations/1764000000300-fraud-risk-profiles';
import { RECENT_PURCHASES, accountProfiles } from './account-profile.projection';

const ada = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';

describe('accountProfiles projection (Fraud)', () => {
  const spec = projectionSpec(accountProfiles, { migrations: [FraudRiskProfiles1764000000300] });
  const opened = (id: string, limit = 1_000, currency = 'EUR') =>
    spec.event('AccountOpened', {
      id,
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { street: '1 Old Rd', city: 'York', zip: 'YO1' },
      limit,
      currency,
    });
  let transaction = 0;
  const purchased = (id: string, amount: number, currency = 'EUR') =>
    spec.event('ItemPurchased', { id, transactionId: `t${++transaction}`, amount, currency, balanceAfter: 0 });

  it('given an opened account, then its profile is active with its limit and currency, and no purchases', () =>
    spec.given([opened(ada, 5_000, 'GBP')]).thenRows([
      {
        account_id: ada,
        status: 'active',
        credit_limit: 5_000,
        currency: 'GBP',
        vip: false,
        address_changed_at: null,
        purchase_count: 0,
        recent_amounts: [],
        version: 1,
      },
    ]));

  it('given limit, status, VIP and address changes, then the profile follows each', () =>
    spec
      .given([
        opened(ada),
        spec.event('LimitUpdated', { id: ada, newLimit: 3_000, oldLimit: 1_000 }),
        spec.event('StatusChanged', { id: ada, oldStatus: 'active', newStatus: 'locked' }),
        spec.event('LimitChanged', { id: ada, newLimit: 0, oldLimit: 3_000 }),
        spec.event('VipStatusGranted', { id: ada }),
        spec.event(
          'AddressUpdated',
          {
            id: ada,
            address: { street: '2 New Rd', city: 'Leeds', postalCode: 'LS1', country: 'GB' },
            previousAddress: { street: '1 Old Rd', city: 'York', postalCode: 'YO1', country: null },
          },
          { occurredAt: '2026-03-04T05:06:07.000Z' },
        ),
      ])
      .thenRows([
        { account_id: ada, credit_limit: 0, status: 'locked', vip: true, address_changed_at: '2026-03-04T05:06:07+00:00', version: 6 },
      ]));

  it('given several purchases of one account in one batch, then each counts, in order, and only its own currency’s amounts are kept', () =>
    spec
      .given([opened(ada), opened(bob), purchased(ada, 100), purchased(bob, 7), purchased(ada, 999, 'USD'), purchased(ada, 300)])
      .thenRows([
        { account_id: ada, purchase_count: 3, recent_amounts: [100, 300], version: 4 },
        { account_id: bob, purchase_count: 1, recent_amounts: [7], version: 2 },
      ]));

  it(`given more than ${RECENT_PURCHASES} purchases, then only the latest ${RECENT_PURCHASES} amounts are kept`, () => {
    const purchases = Array.from({ length: RECENT_PURCHASES + 5 }, (_, i) => purchased(ada, i + 1));
    return spec.given([opened(ada), ...purchases]).thenRows([
      {
        account_id: ada,
        purchase_count: RECENT_PURCHASES + 5,
        recent_amounts: Array.from({ length: RECENT_PURCHASES }, (_, i) => i + 6),
      },
    ]);
  });

  it('given an account opened twice (a replay), then the first opening stands', () =>
    spec.given([opened(ada, 1_000), opened(ada, 9_000, 'USD')]).thenRows([{ account_id: ada, credit_limit: 1_000, currency: 'EUR' }]));
});
