import { RecordedEvent } from '@app/eventstore';
import { CheckoutState, isFinal, nextStep } from '../domain/checkout.decider';
import { PublicOutcome, publicReasonOf, UnfinishedCheckout } from '@app/contracts';

/** The answer to POST /checkouts once the checkout is final. */
export interface CheckoutOutcome {
  checkoutId: string;
  status: 'completed' | 'rejected';
  reason?: string;
  details?: string[];
  /** For a merchant: the public outcome code, in place of the reason and details. */
  outcome?: { code: PublicOutcome };
  /** Present when money had moved and was given back: what was undone. */
  compensation?: { refunded: boolean; voided: boolean };
  total: number;
  currency: string;
}

/** The answer to POST /checkouts while the checkout cannot finish yet (202). */
export interface PendingOutcome {
  checkoutId: string;
  status: 'pending';
}

/**
 * What a merchant's own POST /checkouts is answered: the public outcome code (as GET /checkouts/:id shows
 * it) instead of the internal reason, fraud details and compensation steps, which stay the operator's.
 */
export function merchantOutcomeOf(outcome: CheckoutOutcome | PendingOutcome): CheckoutOutcome | PendingOutcome {
  if (outcome.status === 'pending') return outcome;
  const { checkoutId, status, total, currency } = outcome;
  return { checkoutId, status, total, currency, outcome: { code: status === 'completed' ? 'succeeded' : publicReasonOf(outcome.reason) } };
}

export function outcomeOf(state: CheckoutState): CheckoutOutcome {
  const outcome: CheckoutOutcome = {
    checkoutId: state.checkoutId,
    status: state.stage === 'completed' ? 'completed' : 'rejected',
    total: state.total,
    currency: state.request!.currency,
  };
  if (state.reason !== undefined) outcome.reason = state.reason;
  if (state.details?.length) outcome.details = state.details;
  if (state.compensation) outcome.compensation = state.compensation;
  return outcome;
}

/** GET /checkouts/:id: the checkout as its steps left it, the steps themselves, and while pending its schedule. */
export function viewOf(state: CheckoutState, events: RecordedEvent[], unfinished?: UnfinishedCheckout) {
  const request = state.request!;
  return {
    checkoutId: state.checkoutId,
    status: isFinal(state) ? outcomeOf(state).status : 'pending',
    stage: state.stage,
    step: nextStep(state),
    lastError: unfinished?.lastError ?? undefined,
    attempts: unfinished?.attempts,
    nextAttemptAt: isFinal(state) ? undefined : unfinished?.nextAttemptAt,
    reason: state.reason,
    details: state.details,
    accountId: request.accountId,
    merchantId: request.merchantId,
    items: request.items,
    total: state.total,
    currency: request.currency,
    authorisationId: state.authorisationId,
    assessmentId: state.assessmentId,
    transactionId: state.transactionId,
    compensation: state.compensation,
    version: events.at(-1)?.streamVersion ?? 0,
    steps: events.map((event) => ({ step: event.type, version: event.streamVersion, recordedAt: event.recordedAt, data: event.data })),
  };
}
