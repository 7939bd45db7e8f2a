import { deciderSpec } from '@app/decider-spec';
import { AssessRisk, createAssessmentDecider } from './assessment.decider';
import { FraudAssessed } from './assessment.events';
import { DEFAULT_RISK_POLICY } from './risk-policy';

const spec = deciderSpec(createAssessmentDecider(DEFAULT_RISK_POLICY));
const now = '2026-03-01T12:00:00.000Z';
const payment = { assessmentId: 'c-1', accountId: 'a-1', merchantId: 'm-1', amount: 1_000, currency: 'EUR' };
const learned: AssessRisk['data']['signals'] = {
  account: { status: 'active', limit: 100_000, currency: 'EUR', addressChangedAt: null, recentAmounts: [1_000, 1_200, 900] },
  merchant: { status: 'active' },
  recentCheckouts: 0,
  recentAssessments: 0,
};
const assess = (overrides: Partial<AssessRisk['data']> = {}): AssessRisk => ({
  type: 'AssessRisk',
  data: { ...payment, signals: learned, ...overrides },
  metadata: { now, actor: 'service:checkout' },
});
const assessed = (overrides: Partial<FraudAssessed['data']> = {}): FraudAssessed => ({
  type: 'FraudAssessed',
  data: { ...payment, decision: 'approve', score: 0, reasons: [], ...overrides },
});

describe('assessment decider', () => {
  it('assesses a new payment from what Fraud had learned', () => {
    spec.given([]).when(assess()).then([assessed()]);
  });

  it('decides from the signals the command carries', () => {
    spec
      .given([])
      .when(assess({ signals: { ...learned, account: { ...learned.account!, status: 'locked' } } }))
      .then([assessed({ decision: 'reject', score: 100, reasons: ['ACCOUNT_LOCKED'] })]);
  });

  it('answers a repeat for the same payment with the recorded assessment, whatever the signals say now', () => {
    spec
      .given([assessed({ decision: 'review', score: 60, reasons: ['VELOCITY'] })])
      .when(assess({ signals: { ...learned, recentAssessments: 0 } }))
      .then([]);
  });

  it('refuses to assess the same checkout for a different payment', () => {
    spec
      .given([assessed()])
      .when(assess({ amount: 2_000 }))
      .thenThrows('ASSESSMENT_CONFLICT');
    spec
      .given([assessed()])
      .when(assess({ accountId: 'a-2' }))
      .thenThrows('ASSESSMENT_CONFLICT');
  });

  it('remembers the assessment it recorded', () => {
    spec
      .given([])
      .when(assess())
      .thenState((state) => expect(state.assessed).toEqual(assessed().data));
  });
});
