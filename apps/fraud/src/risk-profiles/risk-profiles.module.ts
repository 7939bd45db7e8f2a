import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { RiskProfilesController } from './http/risk-profiles.controller';
import { accountProfiles } from './projections/account-profile.projection';
import { checkoutActivity } from './projections/checkout-activity.projection';
import { merchantProfiles } from './projections/merchant-profile.projection';
import { RiskSignalsRepository } from './risk-signals.repository';
import { RiskPolicyModule } from '../assessments/risk-policy.module';

@Module({
  imports: [RiskPolicyModule],
  controllers: [
    RiskProfilesController,
    projectionController(accountProfiles),
    projectionController(merchantProfiles),
    projectionController(checkoutActivity),
  ],
  providers: [RiskSignalsRepository],
  exports: [RiskSignalsRepository],
})
export class RiskProfilesModule {}
