import { Command } from '@app/domain';
import { CheckoutRequest } from './checkout.events';

/** What Account, Merchant and Fraud said about the checkout, read before any money moves. */
export interface ScreeningFacts {
  buyer: { found: false } | { found: true; status: string; balance: number; currency: string };
  merchant: { found: false } | { found: true; status: string };
  assessment: { assessmentId?: string; decision: 'approve' | 'review' | 'reject'; reasons: string[] };
}

export type StartCheckout = Command<'StartCheckout', { checkoutId: string; idempotencyKey?: string; request: CheckoutRequest }>;
export type ScreenCheckout = Command<'ScreenCheckout', ScreeningFacts>;
export type RecordAuthorisation = Command<'RecordAuthorisation', { authorisationId: string; assessmentId?: string }>;
export type RejectAuthorisation = Command<'RejectAuthorisation', { reason: string }>;
export type RecordCharge = Command<'RecordCharge', { transactionId: string; balanceAfter?: number }>;
/** The account refused the charge; the authorisation has already been voided (or not, as `voided` says). */
export type RejectCharge = Command<'RejectCharge', { reason: string; voided: boolean }>;
export type RecordCapture = Command<'RecordCapture', Record<string, never>>;
export type RecordCaptureFailure = Command<'RecordCaptureFailure', { reason: string }>;
export type RecordCompensation = Command<'RecordCompensation', { refunded: boolean; voided: boolean }>;
/** Give up on finishing the checkout (its deadline passed, or an operator said so) and undo what it did. */
export type AbandonCheckout = Command<'AbandonCheckout', { reason: 'DEADLINE_EXCEEDED' | 'OPERATOR_COMPENSATED' }>;

/**
 * The checkout is a process manager: every command after StartCheckout reports what a step's call
 * to another service answered, and the decider turns that report into the step's event. A report
 * that arrives after the checkout has moved past its step (a duplicate driver, a resumed request)
 * decides nothing.
 */
export type CheckoutCommand =
  | StartCheckout
  | ScreenCheckout
  | RecordAuthorisation
  | RejectAuthorisation
  | RecordCharge
  | RejectCharge
  | RecordCapture
  | RecordCaptureFailure
  | RecordCompensation
  | AbandonCheckout;
