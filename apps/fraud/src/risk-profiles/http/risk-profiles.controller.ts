import { DomainError } from '@app/domain';
import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiProblems } from '@app/platform';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RiskProfileAnswer } from './risk-profile-answer';
import { RiskPolicy } from '../../assessments/domain/risk-policy';
import { median } from '../../assessments/domain/risk-rules';
import { RISK_POLICY } from '../../assessments/risk-policy.config';
import { RiskSignalsRepository } from '../risk-signals.repository';

@ApiTags('risk-profiles')
@Controller('risk-profiles')
export class RiskProfilesController {
  constructor(
    private readonly signals: RiskSignalsRepository,
    @Inject(RISK_POLICY) private readonly policy: RiskPolicy,
  ) {}

  @Get(':accountId')
  @ApiOperation({ summary: 'What Fraud has learned about an account (from its queues and its own assessments)' })
  @ApiOkResponse({ type: RiskProfileAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['RISK_PROFILE_NOT_FOUND'] })
  async get(@Param('accountId', new ParseUUIDPipe()) accountId: string): Promise<RiskProfileAnswer> {
    const since = new Date(Date.now() - this.policy.velocityWindowSeconds * 1_000).toISOString();
    const { profile, signals } = await this.signals.profile(accountId, since);
    if (!profile) {
      throw new DomainError('not-found', 'RISK_PROFILE_NOT_FOUND', `Fraud has not learned of account ${accountId} (yet)`);
    }
    return {
      accountId,
      status: profile.status,
      limit: profile.limit,
      currency: profile.currency,
      vip: profile.vip,
      addressChangedAt: profile.addressChangedAt,
      purchases: { count: profile.purchaseCount, usualAmount: median(profile.recentAmounts), recentAmounts: profile.recentAmounts },
      velocity: {
        windowSeconds: this.policy.velocityWindowSeconds,
        maxPerWindow: this.policy.velocityMaxPerWindow,
        recentCheckouts: signals.recentCheckouts,
        recentAssessments: signals.recentAssessments,
      },
      version: profile.version,
    };
  }
}
