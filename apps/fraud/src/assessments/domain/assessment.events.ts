import { CatalogMatches } from '@app/contracts';
import { Message } from '@app/domain';
import { Decision, ReasonCode } from './risk-rules';

/** One assessment, the only event of stream `assessment-<assessmentId>`; Ops audits them. */
export type FraudAssessed = Message<
  'FraudAssessed',
  {
    assessmentId: string;
    accountId: string;
    merchantId: string;
    amount: number;
    currency: string;
    decision: Decision;
    score: number;
    reasons: ReasonCode[];
  }
>;

export const assessmentStreamId = (assessmentId: string): string => `assessment-${assessmentId}`;

/** Compiles only while EventCatalog.fraud lists exactly these wire names. */
export const fraudWireNames: CatalogMatches<'fraud', FraudAssessed> = true;
