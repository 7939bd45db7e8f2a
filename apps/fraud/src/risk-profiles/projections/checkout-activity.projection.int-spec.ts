import { projectionSpec } from '@app/testing';
import { FraudRiskProfiles1764000000300 } from '../../migrations/1764000000300-fraud-risk-profiles';
import { checkoutActivity } from './checkout-activity.projection';

const ada = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const shop = '00000000-0000-4000-8000-0000000000c1';
const checkout = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('checkoutActivity projection (Fraud)', () => {
  const spec = projectionSpec(checkoutActivity, { migrations: [FraudRiskProfiles1764000000300] });
  const started = (n: number, accountId: string, occurredAt: string) =>
    spec.event(
      'CheckoutStarted',
      {
        checkoutId: checkout(n),
        accountId,
        merchantId: shop,
        items: [{ sku: 'book', quantity: 1, unitPrice: 100 * n }],
        currency: 'EUR',
        total: 100 * n,
      },
      { occurredAt },
    );

  it('given started checkouts, then each is recorded once with its account, total and start', () =>
    spec.given([started(1, ada, '2026-01-01T10:00:00.000Z'), started(2, bob, '2026-01-01T10:00:01.000Z')]).thenRows([
      {
        checkout_id: checkout(1),
        account_id: ada,
        merchant_id: shop,
        total: 100,
        currency: 'EUR',
        started_at: '2026-01-01T10:00:00+00:00',
      },
      {
        checkout_id: checkout(2),
        account_id: bob,
        merchant_id: shop,
        total: 200,
        currency: 'EUR',
        started_at: '2026-01-01T10:00:01+00:00',
      },
    ]));

  it('given a start delivered twice, then it is recorded once', () => {
    const once = started(1, ada, '2026-01-01T10:00:00.000Z');
    return spec
      .given([once, { ...once, at: { ...once.at, streamVersion: 1, streamId: 'checkout-again' } }])
      .thenRows([{ checkout_id: checkout(1) }]);
  });

  it('given a start more than an hour after an account’s earlier ones, then those are forgotten, other accounts’ kept', () =>
    spec
      .given([
        started(1, ada, '2026-01-01T08:00:00.000Z'),
        started(2, bob, '2026-01-01T08:00:00.000Z'),
        started(3, ada, '2026-01-01T09:30:00.000Z'),
        started(4, ada, '2026-01-01T10:00:01.000Z'),
      ])
      .thenRows([
        { checkout_id: checkout(2), account_id: bob },
        { checkout_id: checkout(3), account_id: ada },
        { checkout_id: checkout(4), account_id: ada },
      ]));
});
