import { Module } from '@nestjs/common';
import { RiskProfilesController } from './http/risk-profiles.controller';
import { AccountProfileProjection } from './projections/account-profile.projection';
import { CheckoutActivityProjection } from './projections/checkout-activity.projection';
import { MerchantProfileProjection } from './projections/merchant-profile.projection';
import { RiskProfileRepository } from './projections/risk-profile.repository';
import { RiskSignalsRepository } from './risk-signals.repository';
import { RiskPolicyModule } from '../assessments/risk-policy.module';

@Module({
  imports: [RiskPolicyModule],
  controllers: [RiskProfilesController, AccountProfileProjection, MerchantProfileProjection, CheckoutActivityProjection],
  providers: [RiskProfileRepository, RiskSignalsRepository],
  exports: [RiskSignalsRepository],
})
export class RiskProfilesModule {}
