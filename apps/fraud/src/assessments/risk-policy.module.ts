import { Module } from '@nestjs/common';
import { RISK_POLICY, loadRiskPolicy } from './risk-policy.config';

/** The risk policy, read from the environment once at start (a bad value stops the service with its name). */
@Module({
  providers: [{ provide: RISK_POLICY, useFactory: () => loadRiskPolicy() }],
  exports: [RISK_POLICY],
})
export class RiskPolicyModule {}
