import { ScreeningFacts } from '../domain/checkout.commands';
import { CheckoutRequest } from '../domain/checkout.events';

export type StepOutcome<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

/** What voiding an authorisation found: done, impossible because it was captured, or refused. */
export type VoidOutcome = 'voided' | 'captured' | 'not-voided';

/**
 * The calls a checkout makes to other services, as the process manager sees them. Each method
 * either reports the callee's answer or throws DownstreamUnavailableError when it cannot be reached.
 */
export interface CheckoutDownstream {
  /** Buyer (Account), merchant (Merchant) and assessment (Fraud), read together. */
  screen(checkoutId: string, request: CheckoutRequest, total: number): Promise<ScreeningFacts>;
  /** Authorises `amount` with the provider; the checkout id is the idempotency key. */
  authorise(checkoutId: string, amount: number, currency: string): Promise<StepOutcome<{ authorisationId: string }>>;
  /** Charges the account; the checkout id is the transaction id, so a repeat never charges twice. */
  charge(checkoutId: string, request: CheckoutRequest, amount: number): Promise<StepOutcome<{ balanceAfter?: number }>>;
  capture(authorisationId: string): Promise<StepOutcome>;
  void(authorisationId: string): Promise<VoidOutcome>;
  /** Refunds the checkout's purchase; false when Account refuses (nothing to refund). */
  refund(accountId: string, transactionId: string): Promise<boolean>;
  /** The authorisation the provider made under the checkout's key, if any: an answer that was lost is found here. */
  findAuthorisation(checkoutId: string): Promise<{ authorisationId: string; status: AuthorisationStatus } | undefined>;
  /** What became of an authorisation, e.g. after a capture whose answer never came. */
  authorisationStatus(authorisationId: string): Promise<AuthorisationStatus | undefined>;
}

/** What the provider holds for an authorisation, asked before a step is retried or undone. */
export type AuthorisationStatus = 'authorised' | 'captured' | 'voided';

export const CHECKOUT_DOWNSTREAM = Symbol('CHECKOUT_DOWNSTREAM');
