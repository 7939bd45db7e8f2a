import { AmqpConnection } from '@app/messaging';
import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { BeforeApplicationShutdown, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { DeadLetterDrain } from '../dead-letters/messaging/dead-letter-drain';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { OPS_SCHEMA } from '../ops-schema';
import { OpsSubscriptionsController } from './http/subscriptions.controller';
import { ConsumerQueueCheck } from './consumer-queue-check';
import { ConsumerRegistrationService } from './consumer-registration.service';
import { ProducerSubscriptionsClient } from './producer-subscriptions.client';
import { RegisteredDeadLetterQueues } from './registered-dead-letter-queues';
import { SubscriptionsService } from './subscriptions.service';

/** Learns the consumers registered before this start in the background: the producers may not be up yet. */
@Injectable()
class RegisteredDeadLetterQueuesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly queues: RegisteredDeadLetterQueues) {}

  onApplicationBootstrap(): void {
    void this.queues.start();
  }

  beforeApplicationShutdown(): void {
    this.queues.stop();
  }
}

@Module({
  imports: [DeadLettersModule],
  controllers: [OpsSubscriptionsController],
  providers: [
    {
      provide: ProducerSubscriptionsClient,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) => new ProducerSubscriptionsClient(operatorTokensOf(config.opsToken)[0]),
    },
    {
      provide: SubscriptionsService,
      inject: [ProducerSubscriptionsClient, DataSource],
      useFactory: (client: ProducerSubscriptionsClient, dataSource: DataSource) =>
        new SubscriptionsService(client, dataSource, new OperatorActionsRepository(OPS_SCHEMA)),
    },
    {
      provide: ConsumerRegistrationService,
      inject: [ProducerSubscriptionsClient, AmqpConnection, DataSource, DeadLetterDrain],
      useFactory: (client: ProducerSubscriptionsClient, connection: AmqpConnection, dataSource: DataSource, drain: DeadLetterDrain) =>
        new ConsumerRegistrationService(
          client,
          new ConsumerQueueCheck(connection),
          dataSource,
          new OperatorActionsRepository(OPS_SCHEMA),
          drain,
        ),
    },
    {
      provide: RegisteredDeadLetterQueues,
      inject: [ProducerSubscriptionsClient, DeadLetterDrain],
      useFactory: (client: ProducerSubscriptionsClient, drain: DeadLetterDrain) => new RegisteredDeadLetterQueues(client, drain),
    },
    RegisteredDeadLetterQueuesLifecycle,
  ],
})
export class SubscriptionsModule {}
