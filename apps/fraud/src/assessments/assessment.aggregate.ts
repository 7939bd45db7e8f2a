import { AggregateOf, defineAggregate } from '@app/eventstore';
import { createAssessmentDecider } from './domain/assessment.decider';
import { RISK_POLICY } from './risk-policy.config';

/** An assessment: a one-event stream `assessment-<id>`, written once (new-stream mode), decided with the deployment's risk policy. */
export const assessmentAggregate = defineAggregate({
  name: 'assessment',
  mode: 'new-stream',
  decider: createAssessmentDecider,
  inject: [RISK_POLICY],
  streamId: (assessmentId: string) => `assessment-${assessmentId}`,
});

/** The assessment's write path, injected with `@InjectAggregate(assessmentAggregate)`. */
export type AssessmentAggregate = AggregateOf<typeof assessmentAggregate>;
