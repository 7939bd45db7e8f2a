import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

/**
 * `GET /health/live` and `GET /health/ready`. Readiness pings the TypeORM DataSource and reads
 * `BROKER_STATUS` when the app has them, and skips each check when it does not.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
  controllers: [HealthController],
})
export class HealthModule {}
