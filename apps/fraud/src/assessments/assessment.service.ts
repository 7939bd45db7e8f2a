import { KeyedSerialQueue } from '@app/async';
import { DomainError } from '@app/domain';
import { CommitSignal, EventStore, WrongExpectedVersionError } from '@app/eventstore';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RiskSignalsRepository } from '../risk-profiles/risk-signals.repository';
import { FraudAssessed, assessmentStreamId } from './domain/assessment.events';
import { RiskPolicy } from './domain/risk-policy';
import { RiskAssessment, assessRisk } from './domain/risk-rules';
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
 * Decides an assessment from what Fraud has learned and records it as `FraudAssessed`.
 *
 * An assessment is a new one-event stream under a fresh id: there is no state to decide against and
 * no rival writer, so it is appended directly rather than through the command path's load-and-retry.
 * The read and the append share one transaction under a per-account advisory lock, so concurrent
 * assessments of one account see each other and a parallel burst cannot slip under the velocity
 * limit; assessments of different accounts never wait for each other. Within this process they
 * also queue per account before taking a connection, so a burst waits in memory, not in the pool.
 *
 * An assessment for a checkout is idempotent: its id is the checkout id, and asking again (a
 * resumed checkout) answers the recorded assessment instead of counting once more against the
 * buyer's velocity. The check runs under the same lock, so concurrent repeats also meet.
 */
@Injectable()
export class AssessmentService {
  private readonly events = new EventStore('fraud');
  private readonly accounts = new KeyedSerialQueue();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signals: RiskSignalsRepository,
    @Inject(RISK_POLICY) private readonly policy: RiskPolicy,
    private readonly signal: CommitSignal,
  ) {}

  assess(request: AssessmentRequest, correlationId?: string): Promise<RiskAssessment & { assessmentId: string }> {
    // Ids are compared as text in the velocity count and the lock: one spelling per uuid, or a
    // burst in mixed case would count as several accounts.
    const normalised = {
      ...request,
      accountId: request.accountId.toLowerCase(),
      merchantId: request.merchantId.toLowerCase(),
      checkoutId: request.checkoutId?.toLowerCase(),
    };
    return this.accounts.run(normalised.accountId, () => this.decideOnce(normalised, correlationId));
  }

  /**
   * Two requests for one checkout with different account ids lock different accounts, so they can
   * both find no earlier assessment and race to append it. The loser decides again: it now finds
   * the winner's assessment and answers it, or refuses a different payment with 409.
   */
  private async decideOnce(request: AssessmentRequest, correlationId?: string) {
    try {
      return await this.decideAndRecord(request, correlationId);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || !request.checkoutId) throw error;
      return this.decideAndRecord(request, correlationId);
    }
  }

  private async decideAndRecord({ checkoutId, ...request }: AssessmentRequest, correlationId?: string) {
    const assessmentId = checkoutId ?? randomUUID();
    let recorded = false;
    const assessed = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`fraud-assessment:${request.accountId}`]);
      const [earlier] = checkoutId ? await this.events.readStream(manager, assessmentStreamId(assessmentId)) : [];
      if (earlier) return this.repeated(earlier.data as FraudAssessed['data'], request);
      recorded = true;
      const now = new Date();
      const since = new Date(now.getTime() - this.policy.velocityWindowSeconds * 1_000).toISOString();
      const { signals } = await this.signals.read(manager, request.accountId, request.merchantId, since);
      const outcome = assessRisk({ now: now.toISOString(), amount: request.amount, currency: request.currency, ...signals }, this.policy);
      const event: FraudAssessed = { type: 'FraudAssessed', data: { assessmentId, ...request, ...outcome } };
      await this.events.append(manager, assessmentStreamId(assessmentId), 0, [
        { type: event.type, data: event.data, metadata: { actor: 'http', ...(correlationId ? { correlationId } : {}) } },
      ]);
      return { assessmentId, ...outcome };
    });
    if (recorded) this.signal.committed();
    return assessed;
  }

  private repeated(earlier: FraudAssessed['data'], request: Omit<AssessmentRequest, 'checkoutId'>) {
    const { assessmentId, accountId, merchantId, amount, currency, decision, score, reasons } = earlier;
    if (
      accountId !== request.accountId ||
      merchantId !== request.merchantId ||
      amount !== request.amount ||
      currency !== request.currency
    ) {
      throw new DomainError('conflict', 'ASSESSMENT_CONFLICT', `Checkout ${assessmentId} was already assessed for a different payment`);
    }
    return { assessmentId, decision, score, reasons };
  }
}
