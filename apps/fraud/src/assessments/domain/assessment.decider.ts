import { Command, Decider, DomainError } from '@app/domain';
import { FraudAssessed } from './assessment.events';
import { RiskPolicy } from './risk-policy';
import { RiskSignals, assessRisk } from './risk-rules';

/** Assess a payment, from what Fraud had learned when asked (read in the deciding transaction). */
export type AssessRisk = Command<
  'AssessRisk',
  {
    assessmentId: string;
    accountId: string;
    merchantId: string;
    amount: number;
    currency: string;
    signals: Omit<RiskSignals, 'now' | 'amount' | 'currency'>;
  }
>;

/** An assessment stream holds one event: the assessment, once made. */
export interface AssessmentState {
  assessed?: FraudAssessed['data'];
}

/**
 * An assessment is made once: asking again for the same payment (a resumed checkout) answers the
 * recorded one without counting again against the buyer's velocity; asking for another is a 409.
 */
export const createAssessmentDecider = (policy: RiskPolicy): Decider<AssessmentState, AssessRisk, FraudAssessed> => ({
  initialState: () => ({}),
  decide: ({ data, metadata }, { assessed }) => {
    const { assessmentId, accountId, merchantId, amount, currency, signals } = data;
    if (assessed) {
      const same =
        assessed.accountId === accountId &&
        assessed.merchantId === merchantId &&
        assessed.amount === amount &&
        assessed.currency === currency;
      if (same) return [];
      throw new DomainError('conflict', 'ASSESSMENT_CONFLICT', `Checkout ${assessmentId} was already assessed for a different payment`);
    }
    const outcome = assessRisk({ now: metadata.now, amount, currency, ...signals }, policy);
    return [{ type: 'FraudAssessed', data: { assessmentId, accountId, merchantId, amount, currency, ...outcome } }];
  },
  evolve: (_state, event) => ({ assessed: event.data }),
});
