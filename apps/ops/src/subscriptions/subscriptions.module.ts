import { AmqpConnection } from '@app/messaging';
import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { OPS_SCHEMA } from '../ops-schema';
import { OpsSubscriptionsController } from './http/subscriptions.controller';
import { ConsumerQueueCheck } from './consumer-queue-check';
import { ConsumerRegistrationService } from './consumer-registration.service';
import { ProducerSubscriptionsClient } from './producer-subscriptions.client';
import { SubscriptionsService } from './subscriptions.service';

@Module({
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
      inject: [ProducerSubscriptionsClient, AmqpConnection, DataSource],
      useFactory: (client: ProducerSubscriptionsClient, connection: AmqpConnection, dataSource: DataSource) =>
        new ConsumerRegistrationService(client, new ConsumerQueueCheck(connection), dataSource, new OperatorActionsRepository(OPS_SCHEMA)),
    },
  ],
})
export class SubscriptionsModule {}
