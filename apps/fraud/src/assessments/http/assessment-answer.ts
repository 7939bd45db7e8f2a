import { ApiProperty } from '@nestjs/swagger';
import { Decision, ReasonCode, Reasons, RiskAssessment } from '../domain/risk-rules';

/** What an assessment answers: the decision, its score and the stable reason codes behind it. */
export class AssessmentAnswer implements RiskAssessment {
  @ApiProperty({ format: 'uuid', description: 'The checkout id when one was given' }) assessmentId: string;
  @ApiProperty({ enum: ['approve', 'review', 'reject'] }) decision: Decision;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: Object.values(Reasons), isArray: true }) reasons: ReasonCode[];
}
