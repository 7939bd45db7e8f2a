import { LineItem } from '../domain/checkout.events';
import { MerchantCheckout, publicReasonOf } from '@app/contracts';

/** A row of `merchant_checkouts` with the next attempt time of an unfinished checkout. */
export interface MerchantCheckoutRow {
  checkoutId: string;
  merchantId: string;
  status: 'pending' | 'completed' | 'rejected';
  total: number;
  currency: string;
  items: LineItem[];
  /** The internal reason of a rejection: never shown as it is. */
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  nextAttemptAt: Date | null;
  /** The row's place in the list, the cursor's content. */
  position: string;
}

/**
 * What a merchant may know of its checkout (the shape in libs/contracts, shared with webhooks). Built
 * field by field from a closed list, so no internal field (the buyer, balances, fraud rules, errors,
 * steps) can slip in.
 */
export type MerchantCheckoutView = MerchantCheckout;

export function merchantViewOf(row: MerchantCheckoutRow): MerchantCheckoutView {
  return {
    id: row.checkoutId,
    status: row.status,
    total: Number(row.total),
    currency: row.currency,
    items: row.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    outcome: outcomeOf(row),
  };
}

function outcomeOf(row: MerchantCheckoutRow): MerchantCheckoutView['outcome'] {
  switch (row.status) {
    case 'completed':
      return { code: 'succeeded' };
    case 'rejected':
      return { code: publicReasonOf(row.reason ?? undefined) };
    case 'pending':
      // While pending, only that it is being worked on and when next: the last error stays inside.
      return row.nextAttemptAt ? { code: 'processing', nextAttemptAt: new Date(row.nextAttemptAt).toISOString() } : { code: 'processing' };
  }
}
