import { allQueues } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { BeforeApplicationShutdown, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OPS_SCHEMA } from '../ops-schema';
import { DeadLetterReplayer } from './dead-letter-replayer';
import { registerDeadLetterMetrics } from './dead-letter.metrics';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLettersService } from './dead-letters.service';
import { DeadLettersController } from './http/dead-letters.controller';
import { DeadLetterDrain } from './messaging/dead-letter-drain';

/** Starts draining the DLQs once migrations have run; stops before the broker connection closes. */
@Injectable()
class DeadLetterLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly drain: DeadLetterDrain,
    private readonly replayer: DeadLetterReplayer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.replayer.releaseStaleClaims();
    await this.drain.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain.stop();
    await this.replayer.close();
  }
}

@Module({
  controllers: [DeadLettersController],
  providers: [
    { provide: DeadLetterRepository, useValue: new DeadLetterRepository(OPS_SCHEMA) },
    {
      provide: 'DeadLetterMetrics',
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => registerDeadLetterMetrics(dataSource, OPS_SCHEMA),
    },
    {
      provide: DeadLetterReplayer,
      inject: [AmqpConnection, DataSource, DeadLetterRepository],
      useFactory: (connection: AmqpConnection, dataSource: DataSource, repository: DeadLetterRepository) =>
        new DeadLetterReplayer(connection, dataSource, repository),
    },
    {
      provide: DeadLettersService,
      inject: [DataSource, DeadLetterRepository, DeadLetterReplayer],
      useFactory: (dataSource: DataSource, repository: DeadLetterRepository, replayer: DeadLetterReplayer) =>
        new DeadLettersService(dataSource, repository, replayer),
    },
    {
      provide: DeadLetterDrain,
      inject: [AmqpConnection, DataSource, DeadLetterRepository],
      useFactory: (connection: AmqpConnection, dataSource: DataSource, repository: DeadLetterRepository) =>
        new DeadLetterDrain({ connection, dataSource, repository, queues: allQueues() }),
    },
    DeadLetterLifecycle,
  ],
  // Subscriptions add the DLQs of the consumers registered at run time.
  exports: [DeadLetterDrain],
})
export class DeadLettersModule {}
