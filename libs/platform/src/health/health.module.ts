import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';

/**
 * `GET /health/live` and `GET /health/ready`. Readiness pings the TypeORM DataSource when the app
 * has one and turns false once ShutdownState says the process is stopping; `BROKER_STATUS`, when
 * present, is reported in the body only.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
  controllers: [HealthController],
  providers: [ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
