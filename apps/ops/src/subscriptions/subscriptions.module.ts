import { AmqpConnection } from '@app/messaging';
import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { BeforeApplicationShutdown, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { DeadLetterDrain } from '../dead-letters/messaging/dead-letter-drain';
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
      inject: [ProducerSubscriptionsClient],
      useFactory: (client: ProducerSubscriptionsClient) => new SubscriptionsService(client),
    },
    {
      provide: ConsumerRegistrationService,
      inject: [ProducerSubscriptionsClient, AmqpConnection, DeadLetterDrain],
      useFactory: (client: ProducerSubscriptionsClient, connection: AmqpConnection, drain: DeadLetterDrain) =>
        new ConsumerRegistrationService(client, new ConsumerQueueCheck(connection), drain),
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
