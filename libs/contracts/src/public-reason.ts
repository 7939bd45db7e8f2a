/**
 * Shared by Checkout's merchant view and Merchant's webhooks, so both tell a merchant the same codes.
 *
 * What a merchant is told about a checkout's outcome: a closed set that only grows, never the internal
 * reason itself, which may name a fraud rule, a provider's status or an internal step.
 */
export const PUBLIC_OUTCOMES = [
  'processing',
  'succeeded',
  'insufficient_funds',
  'declined',
  'account_locked',
  'account_not_found',
  'currency_mismatch',
  'merchant_suspended',
  'provider_unavailable',
  'cancelled',
  'processing_error',
] as const;

export type PublicOutcome = (typeof PUBLIC_OUTCOMES)[number];

/** The public code of a rejection reason that needs no pattern. */
const BY_REASON: Record<string, PublicOutcome> = {
  INSUFFICIENT_FUNDS: 'insufficient_funds',
  ACCOUNT_LOCKED: 'account_locked',
  ACCOUNT_NOT_FOUND: 'account_not_found',
  CURRENCY_MISMATCH: 'currency_mismatch',
  MERCHANT_SUSPENDED: 'merchant_suspended',
  MERCHANT_NOT_FOUND: 'merchant_suspended',
  // Fraud's verdicts are declines: which rule fired, or that a person would review it, stays inside.
  FRAUD_REJECTED: 'declined',
  FRAUD_REVIEW: 'declined',
  AUTHORISATION_DECLINED: 'declined',
  CHARGE_DECLINED: 'declined',
  LIMIT_EXCEEDED: 'declined',
  // The checkout could not be finished in time, or the provider lost or undid the payment.
  DEADLINE_EXCEEDED: 'provider_unavailable',
  CAPTURE_FAILED: 'provider_unavailable',
  PROVIDER_ERROR: 'provider_unavailable',
  AUTHORISATION_VOIDED: 'provider_unavailable',
  OPERATOR_COMPENSATED: 'cancelled',
  TRANSACTION_CANCELLED: 'cancelled',
};

/** Capture and authorisation states the provider reports, e.g. CAPTURE_503, AUTHORISATION_NOT_FOUND. */
const PROVIDER_REASON = /^(CAPTURE|AUTHORISATION)_[A-Z0-9_]+$/;

/**
 * The public code of a rejected checkout's internal reason. A reason this list does not know yet is a
 * `processing_error`, never passed through, so a new internal code cannot leak before it is mapped.
 */
export function publicReasonOf(internalReason: string | undefined): PublicOutcome {
  if (internalReason === undefined) return 'processing_error';
  if (Object.hasOwn(BY_REASON, internalReason)) return BY_REASON[internalReason];
  return PROVIDER_REASON.test(internalReason) ? 'provider_unavailable' : 'processing_error';
}

/** A line of a checkout as merchants see it. */
export interface MerchantLineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/**
 * The merchant's view of a checkout, one shape for `GET /checkouts/:id` and webhook notifications:
 * public outcome codes only, never the buyer, balances, fraud rules or internal errors.
 */
export interface MerchantCheckout {
  id: string;
  status: 'pending' | 'completed' | 'rejected';
  total: number;
  currency: string;
  items: MerchantLineItem[];
  createdAt: string;
  updatedAt: string;
  outcome: { code: PublicOutcome; nextAttemptAt?: string };
}
