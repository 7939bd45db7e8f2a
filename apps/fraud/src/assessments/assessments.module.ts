import { provideAggregate } from '@app/eventstore';
import { Module } from '@nestjs/common';
import { RiskProfilesModule } from '../risk-profiles/risk-profiles.module';
import { assessmentAggregate } from './assessment.aggregate';
import { AssessmentService } from './assessment.service';
import { AssessmentsController } from './http/assessments.controller';
import { RiskPolicyModule } from './risk-policy.module';

@Module({
  imports: [RiskPolicyModule, RiskProfilesModule],
  controllers: [AssessmentsController],
  providers: [provideAggregate(assessmentAggregate), AssessmentService],
})
export class AssessmentsModule {}
