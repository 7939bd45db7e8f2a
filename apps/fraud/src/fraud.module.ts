import { PlatformModule } from '@app/platform';
import { RelayModule, storeMigrations } from '@app/relay';
import { Module } from '@nestjs/common';
import { AssessmentsModule } from './assessments/assessments.module';
import { FraudRiskProfiles1764000000300 } from './migrations/1764000000300-fraud-risk-profiles';
import { RiskProfilesModule } from './risk-profiles/risk-profiles.module';

@Module({
  imports: [
    PlatformModule.forService({ name: 'fraud', migrations: [...storeMigrations('fraud'), FraudRiskProfiles1764000000300] }),
    RelayModule,
    RiskProfilesModule,
    AssessmentsModule,
  ],
})
export class FraudModule {}
