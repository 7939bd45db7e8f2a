import { ScreeningFacts } from './checkout.commands';

/** A stable reason code for a checkout refused before any money moved, with optional details. */
export interface ScreeningVerdict {
  reason: string;
  details?: string[];
}

/** Fraud reason codes that are facts about the account or merchant, not opinions about risk. */
const FRAUD_CAUSES = ['ACCOUNT_LOCKED', 'MERCHANT_SUSPENDED'];

/**
 * Whether the checkout may go on to authorisation. The checks run in a fixed order so that a
 * checkout failing several of them always gets the same, most specific reason (a locked account
 * is ACCOUNT_LOCKED even though Fraud, which also learns of locks, rejects it too).
 */
export function screen(facts: ScreeningFacts, total: number, currency: string): ScreeningVerdict | undefined {
  const { buyer, merchant, assessment } = facts;
  if (!buyer.found) return { reason: 'ACCOUNT_NOT_FOUND' };
  if (buyer.status !== 'active') return { reason: 'ACCOUNT_LOCKED' };
  if (buyer.currency !== currency) return { reason: 'CURRENCY_MISMATCH', details: [`The account is kept in ${buyer.currency}`] };
  if (!merchant.found) return { reason: 'MERCHANT_NOT_FOUND' };
  if (merchant.status !== 'active') return { reason: 'MERCHANT_SUSPENDED' };
  if (buyer.balance < total) return { reason: 'INSUFFICIENT_FUNDS' };
  if (assessment.decision === 'reject') {
    // Fraud may learn of a lock or a suspension before Account's read model shows it: name the cause.
    const cause = FRAUD_CAUSES.find((code) => assessment.reasons.includes(code));
    return cause ? { reason: cause } : { reason: 'FRAUD_REJECTED', details: assessment.reasons };
  }
  if (assessment.decision === 'review') return { reason: 'FRAUD_REVIEW', details: assessment.reasons };
  return undefined;
}
