import { CatalogMatches, EventData, EventTypeOf } from '@app/contracts';
import { Message } from '@app/domain';

/** The data of each checkout event is defined once, as its published schema (libs/contracts EventSchemas). */
type Data<T extends EventTypeOf<'checkout'>> = EventData<'checkout', T>;

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

export type CheckoutStarted = Message<'CheckoutStarted', Data<'CheckoutStarted'>>;
export type PaymentAuthorised = Message<'PaymentAuthorised', Data<'PaymentAuthorised'>>;
export type AccountCharged = Message<'AccountCharged', Data<'AccountCharged'>>;
export type PaymentCaptured = Message<'PaymentCaptured', Data<'PaymentCaptured'>>;
/** The decision to compensate, recorded before any refund so that a resumed checkout never captures after it. */
export type PaymentCaptureFailed = Message<'PaymentCaptureFailed', Data<'PaymentCaptureFailed'>>;
/**
 * The decision to stop and compensate a checkout that could not finish, recorded before any undo so
 * that no driver authorises, charges or captures after it. `stage` is how far it had got.
 */
export type CheckoutAbandoned = Message<'CheckoutAbandoned', Data<'CheckoutAbandoned'>>;
export type CheckoutCompleted = Message<'CheckoutCompleted', Data<'CheckoutCompleted'>>;
export type CheckoutCompensated = Message<'CheckoutCompensated', Data<'CheckoutCompensated'>>;
export type CheckoutRejected = Message<'CheckoutRejected', Data<'CheckoutRejected'>>;

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
