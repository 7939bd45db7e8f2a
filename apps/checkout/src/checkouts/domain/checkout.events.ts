import { CatalogMatches } from '@app/contracts';
import { Message } from '@app/domain';

export interface LineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/** What the caller asked for; the same Idempotency-Key must always come with the same request. */
export interface CheckoutRequest {
  accountId: string;
  merchantId: string;
  items: LineItem[];
  currency: string;
}

export type CheckoutStarted = Message<'CheckoutStarted', CheckoutRequest & { checkoutId: string; total: number; idempotencyKey?: string }>;
export type PaymentAuthorised = Message<'PaymentAuthorised', { checkoutId: string; authorisationId: string; assessmentId?: string }>;
export type AccountCharged = Message<
  'AccountCharged',
  {
    checkoutId: string;
    accountId: string;
    transactionId: string;
    amount: number;
    currency: string;
    balanceAfter?: number;
  }
>;
export type PaymentCaptured = Message<'PaymentCaptured', { checkoutId: string; authorisationId: string }>;
/** The decision to compensate, recorded before any refund so that a resumed checkout never captures after it. */
export type PaymentCaptureFailed = Message<'PaymentCaptureFailed', { checkoutId: string; authorisationId: string; reason: string }>;
/**
 * The decision to stop and compensate a checkout that could not finish, recorded before any undo so
 * that no driver authorises, charges or captures after it. `stage` is how far it had got.
 */
export type CheckoutAbandoned = Message<'CheckoutAbandoned', { checkoutId: string; reason: string; stage: string }>;
export type CheckoutCompleted = Message<
  'CheckoutCompleted',
  { checkoutId: string; accountId: string; merchantId: string; total: number; currency: string }
>;
export type CheckoutCompensated = Message<
  'CheckoutCompensated',
  { checkoutId: string; reason: string; refunded: boolean; voided: boolean }
>;
export type CheckoutRejected = Message<
  'CheckoutRejected',
  {
    checkoutId: string;
    accountId: string;
    merchantId: string;
    total: number;
    currency: string;
    reason: string;
    /** Why, beyond the code: e.g. the fraud assessment's reasons. */
    details?: string[];
    /** Whether an authorisation had to be voided on the way out. */
    voided?: boolean;
  }
>;

/** Every event of the checkout stream; wire names are these `type` strings. */
export type CheckoutEvent =
  | CheckoutStarted
  | PaymentAuthorised
  | AccountCharged
  | PaymentCaptured
  | PaymentCaptureFailed
  | CheckoutAbandoned
  | CheckoutCompleted
  | CheckoutCompensated
  | CheckoutRejected;

/** Compiles only while EventCatalog.checkout lists exactly these wire names. */
export const checkoutWireNames: CatalogMatches<'checkout', CheckoutEvent> = true;
