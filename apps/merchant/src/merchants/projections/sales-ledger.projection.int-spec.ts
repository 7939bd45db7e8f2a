import { projectionSpec } from '@app/testing';
import { MerchantSalesLedger1764000000200 } from '../../migrations/1764000000200-merchant-sales-ledger';
import { salesLedger } from './sales-ledger.projection';

const ada = '00000000-0000-4000-8000-00000000000a';
const shop = '00000000-0000-4000-8000-0000000000c1';
const other = '00000000-0000-4000-8000-0000000000c2';
const checkout = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('salesLedger projection (Merchant)', () => {
  const spec = projectionSpec(salesLedger, { migrations: [MerchantSalesLedger1764000000200] });
  const completed = (n: number, merchantId: string, total: number, currency = 'EUR', at: { streamId?: string } = {}) =>
    spec.event(
      'CheckoutCompleted',
      { checkoutId: checkout(n), accountId: ada, merchantId, total, currency },
      { occurredAt: `2026-01-01T10:00:0${n}.000Z`, ...at },
    );

  it('given completed checkouts, then each is a sale of its merchant, when it completed', () =>
    spec.given([completed(1, shop, 500), completed(2, other, 70)]).thenRows([
      {
        checkout_id: checkout(1),
        merchant_id: shop,
        account_id: ada,
        total: 500,
        currency: 'EUR',
        completed_at: '2026-01-01T10:00:01+00:00',
      },
      {
        checkout_id: checkout(2),
        merchant_id: other,
        account_id: ada,
        total: 70,
        currency: 'EUR',
        completed_at: '2026-01-01T10:00:02+00:00',
      },
    ]));

  it('given sales of one merchant in one batch, then its totals sum them per currency', () =>
    spec
      .given([completed(1, shop, 500), completed(2, shop, 250), completed(3, shop, 40, 'GBP'), completed(4, other, 9)])
      .thenRows('merchant.sales_totals', [
        { merchant_id: shop, currency: 'EUR', total: 750, sales_count: 2 },
        { merchant_id: shop, currency: 'GBP', total: 40, sales_count: 1 },
        { merchant_id: other, currency: 'EUR', total: 9, sales_count: 1 },
      ]));

  it('given one checkout’s completion twice, in one batch or not, then it counts once', () =>
    spec
      .given([completed(1, shop, 500), completed(1, shop, 500, 'EUR', { streamId: 'checkout-redelivered' }), completed(2, shop, 1)])
      .thenRows('merchant.sales_totals', [{ merchant_id: shop, currency: 'EUR', total: 501, sales_count: 2 }]));
});
