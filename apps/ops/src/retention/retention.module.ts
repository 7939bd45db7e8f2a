import { BeforeApplicationShutdown, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OPS_SCHEMA } from '../ops-schema';
import { RetentionJob } from './retention-job';
import { retentionFromEnv } from './retention-settings';
import { RetentionRepository } from './retention.repository';

/** Starts the purge once migrations have run; waits for a running one at shutdown. */
@Injectable()
class RetentionLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly job: RetentionJob) {}

  onApplicationBootstrap(): void {
    this.job.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}

@Module({
  providers: [
    {
      provide: RetentionJob,
      inject: [DataSource],
      // Read at start: a bad setting stops Ops from starting, not the first purge an hour later.
      useFactory: (dataSource: DataSource) => new RetentionJob(dataSource, new RetentionRepository(OPS_SCHEMA), retentionFromEnv()),
    },
    RetentionLifecycle,
  ],
})
export class RetentionModule {}
