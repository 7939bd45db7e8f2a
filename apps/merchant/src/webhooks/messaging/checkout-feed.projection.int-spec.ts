import { projectionSpec } from '@app/testing';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { MerchantSalesLedger1764000000200 } from '../../migrations/1764000000200-merchant-sales-ledger';
import { MerchantWebhooks1764000000800 } from '../../migrations/1764000000800-merchant-webhooks';
import { WebhookDeliveryTrace1764000000820 } from '../../migrations/1764000000820-webhook-delivery-trace';
import { notificationIdFor } from '../domain/webhook-notification';
import { checkoutFeed } from './checkout-feed.projection';

const ada = '00000000-0000-4000-8000-00000000000a';
const shop = '00000000-0000-4000-8000-0000000000c1';
const quiet = '00000000-0000-4000-8000-0000000000c2';
const endpoint = '00000000-0000-4000-8000-0000000000e1';
const checkout = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number) => `00000000-0000-4000-8000-${String(900 + n).padStart(12, '0')}`;

/** The shop has one endpoint for every notification, registered before the events. */
class GivenAnEndpoint implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `INSERT INTO merchant.webhook_endpoints (id, merchant_id, url, events, secret, created_at)
       VALUES ($1, $2, 'https://shop.example/hooks', $3, 'whsec_x', '2026-01-01T09:00:00Z')`,
      [endpoint, shop, ['checkout.completed', 'checkout.rejected', 'checkout.compensated', 'checkout.pending']],
    );
  }
  async down(): Promise<void> {}
}

const deliveriesOf = (checkoutId: string) =>
  `(SELECT id, event_type, status, attempts, body::jsonb AS body FROM merchant.webhook_deliveries WHERE checkout_id = '${checkoutId}')`;

describe('checkoutFeed projection (Merchant): webhook notifications', () => {
  const spec = projectionSpec(checkoutFeed, {
    migrations: [MerchantSalesLedger1764000000200, MerchantWebhooks1764000000800, WebhookDeliveryTrace1764000000820, GivenAnEndpoint],
  });
  const started = (n: number, merchantId = shop) =>
    spec.event(
      'CheckoutStarted',
      {
        checkoutId: checkout(n),
        accountId: ada,
        merchantId,
        items: [{ sku: 'loom', quantity: 2, unitPrice: 250 }],
        currency: 'EUR',
        total: 500,
      },
      { eventId: event(n * 10), occurredAt: '2026-01-01T10:00:00.000Z' },
    );
  const completed = (n: number, merchantId = shop) =>
    spec.event(
      'CheckoutCompleted',
      { checkoutId: checkout(n), accountId: ada, merchantId, total: 500, currency: 'EUR' },
      { eventId: event(n * 10 + 1), occurredAt: '2026-01-01T10:00:01.000Z' },
    );

  it('given a checkout of a merchant with an endpoint that completes at once, then one checkout.completed with a stable id, and no pending', () =>
    spec.given([started(1), completed(1), completed(1)]).thenRows(deliveriesOf(checkout(1)), [
      {
        id: notificationIdFor(event(11), endpoint),
        event_type: 'checkout.completed',
        status: 'pending',
        attempts: 0,
        body: {
          id: notificationIdFor(event(11), endpoint),
          type: 'checkout.completed',
          createdAt: '2026-01-01T10:00:01.000Z',
          data: {
            id: checkout(1),
            status: 'completed',
            total: 500,
            currency: 'EUR',
            items: [{ sku: 'loom', quantity: 2, unitPrice: 250 }],
            createdAt: '2026-01-01T10:00:00.000Z',
            updatedAt: '2026-01-01T10:00:01.000Z',
            outcome: { code: 'succeeded' },
          },
        },
      },
    ]));

  it('given a checkout still open, then its checkout.pending waits to be sent', () =>
    spec.given([started(2)]).thenRows(deliveriesOf(checkout(2)), [{ event_type: 'checkout.pending', status: 'pending' }]));

  it('given a compensation and its rejection, then both are notified with the public code only', () =>
    spec
      .given([
        started(3),
        spec.event(
          'CheckoutCompensated',
          { checkoutId: checkout(3), reason: 'CAPTURE_503', refunded: true, voided: false },
          { eventId: event(32) },
        ),
        spec.event(
          'CheckoutRejected',
          {
            checkoutId: checkout(3),
            accountId: ada,
            merchantId: shop,
            total: 500,
            currency: 'EUR',
            reason: 'CAPTURE_503',
            details: ['provider said 503'],
          },
          { eventId: event(33) },
        ),
      ])
      .thenRows(deliveriesOf(checkout(3)), [
        {
          event_type: 'checkout.compensated',
          body: expect.objectContaining({ data: expect.objectContaining({ outcome: { code: 'provider_unavailable' } }) }),
        },
        {
          event_type: 'checkout.rejected',
          body: expect.objectContaining({ data: expect.not.objectContaining({ details: expect.anything() }) }),
        },
      ]));

  it('given a merchant without endpoints, then nothing is recorded, and its sale still counts', async () => {
    await spec.given([started(4, quiet), completed(4, quiet)]).thenRows(deliveriesOf(checkout(4)), []);
    await spec
      .given([started(4, quiet), completed(4, quiet)])
      .thenRows('merchant.sales', [{ checkout_id: checkout(4), merchant_id: quiet }]);
  });
});
