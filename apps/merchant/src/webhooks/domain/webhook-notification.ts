import { MerchantCheckout, MerchantLineItem, PublicOutcome, publicReasonOf, uuidV5 } from '@app/contracts';

/** The notifications an endpoint may subscribe to; the set only grows. */
export const WEBHOOK_EVENT_TYPES = ['checkout.completed', 'checkout.rejected', 'checkout.compensated', 'checkout.pending'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** What `POST …/test` sends: never a checkout's. */
export const TEST_EVENT_TYPE = 'webhook.test';

// Fixed forever: a notification keeps its id across attempts, replays and restarts.
const NOTIFICATION_NAMESPACE = Buffer.from('8a0f4c2e9b7d4e15a3c6d1f0e2b4a597', 'hex');

/** The stable id of one event's notification to one endpoint, for the receiver's deduplication. */
export const notificationIdFor = (eventId: string, endpointId: string): string =>
  uuidV5(NOTIFICATION_NAMESPACE, `${eventId.toLowerCase()}:${endpointId.toLowerCase()}`);

/** What Merchant knows of a checkout when one of its events arrives. */
export interface CheckoutFacts {
  checkoutId: string;
  total: number;
  currency: string;
  items: readonly MerchantLineItem[];
  createdAt: string;
}

/** The checkout as the merchant view (`GET /checkouts/:id`) shows it, the outcome without a next attempt. */
export type NotifiedCheckout = Omit<MerchantCheckout, 'outcome'> & { outcome: { code: PublicOutcome } };

/** What a checkout event becomes for a merchant: its notification type, status and outcome. */
export type CheckoutChange =
  | { event: 'CheckoutStarted' }
  | { event: 'CheckoutCompleted' }
  | { event: 'CheckoutRejected'; reason: string }
  | { event: 'CheckoutCompensated'; reason: string };

export function notificationOf(change: CheckoutChange): {
  type: WebhookEventType;
  status: NotifiedCheckout['status'];
  code: PublicOutcome;
} {
  switch (change.event) {
    case 'CheckoutStarted':
      return { type: 'checkout.pending', status: 'pending', code: 'processing' };
    case 'CheckoutCompleted':
      return { type: 'checkout.completed', status: 'completed', code: 'succeeded' };
    case 'CheckoutRejected':
      return { type: 'checkout.rejected', status: 'rejected', code: publicReasonOf(change.reason) };
    case 'CheckoutCompensated':
      return { type: 'checkout.compensated', status: 'rejected', code: publicReasonOf(change.reason) };
  }
}

/**
 * The body sent (and signed) for one notification, built field by field from a closed list so that
 * no internal field (the buyer, fraud details, internal reasons) can slip in. Stored once and sent
 * byte for byte on every attempt.
 */
export function notificationBody(id: string, change: CheckoutChange, facts: CheckoutFacts, occurredAt: string): string {
  const { type, status, code } = notificationOf(change);
  const data: NotifiedCheckout = {
    id: facts.checkoutId,
    status,
    total: Number(facts.total),
    currency: facts.currency,
    items: facts.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    createdAt: new Date(facts.createdAt).toISOString(),
    updatedAt: new Date(occurredAt).toISOString(),
    outcome: { code },
  };
  return JSON.stringify({ id, type, createdAt: new Date(occurredAt).toISOString(), data });
}

/** The body of a test notification. */
export const testNotificationBody = (id: string, at: Date): string =>
  JSON.stringify({
    id,
    type: TEST_EVENT_TYPE,
    createdAt: at.toISOString(),
    data: { message: 'A test notification from the checkout platform' },
  });
