import { CommandMetadata } from '@app/domain';
import { InjectAggregate } from '@app/eventstore';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RiskSignalsRepository } from '../risk-profiles/risk-signals.repository';
import { AssessmentAggregate, assessmentAggregate } from './assessment.aggregate';
import { AssessRisk } from './domain/assessment.decider';
import { RiskPolicy } from './domain/risk-policy';
import { RiskAssessment } from './domain/risk-rules';
import { RISK_POLICY } from './risk-policy.config';

export interface AssessmentRequest {
  accountId: string;
  merchantId: string;
  amount: number;
  currency: string;
  /** The checkout being assessed: its assessment is made once, whoever asks again. */
  checkoutId?: string;
}

/**
 * Decides an assessment from what Fraud has learned and records it as `FraudAssessed`, through the
 * assessment aggregate's new-stream write path.
 *
 * The signals are read in the transaction that decides and appends, serialized per account, so
 * concurrent assessments of one account see each other and a parallel burst cannot slip under the
 * velocity limit; assessments of different accounts never wait for each other.
 *
 * An assessment for a checkout is idempotent: its id is the checkout id, and asking again (a
 * resumed checkout) answers the recorded assessment. Two requests for one checkout with different
 * account ids are serialized under different keys: the loser's append conflicts, and it is decided
 * again against the winner's assessment.
 */
@Injectable()
export class AssessmentService {
  constructor(
    @InjectAggregate(assessmentAggregate) private readonly assessments: AssessmentAggregate,
    private readonly signals: RiskSignalsRepository,
    @Inject(RISK_POLICY) private readonly policy: RiskPolicy,
  ) {}

  async assess(request: AssessmentRequest, metadata: CommandMetadata): Promise<RiskAssessment & { assessmentId: string }> {
    // Ids are compared as text in the velocity count and the lock: one spelling per uuid, or a
    // burst in mixed case would count as several accounts.
    const accountId = request.accountId.toLowerCase();
    const merchantId = request.merchantId.toLowerCase();
    const assessmentId = request.checkoutId?.toLowerCase() ?? randomUUID();
    const data = { assessmentId, accountId, merchantId, amount: request.amount, currency: request.currency };
    const { state } = await this.assessments.execute(assessmentId, (reader) => this.withSignals(reader, data, metadata), {
      serializeBy: `fraud-assessment:${accountId}`,
    });
    const { decision, score, reasons } = state.assessed!;
    return { assessmentId, decision, score, reasons };
  }

  private async withSignals(
    reader: EntityManager,
    data: Omit<AssessRisk['data'], 'signals'>,
    metadata: CommandMetadata,
  ): Promise<AssessRisk> {
    // Decided at the moment its turn comes, not when it was asked: the velocity window then ends
    // where the assessments it counts were recorded.
    const now = new Date();
    const since = new Date(now.getTime() - this.policy.velocityWindowSeconds * 1_000).toISOString();
    const { signals } = await this.signals.read(reader, data.accountId, data.merchantId, since);
    return { type: 'AssessRisk', data: { ...data, signals }, metadata: { ...metadata, now: now.toISOString() } };
  }
}
