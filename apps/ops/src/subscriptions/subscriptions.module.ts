import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { OPS_SCHEMA } from '../ops-schema';
import { OpsSubscriptionsController } from './http/subscriptions.controller';
import { ProducerSubscriptionsClient } from './producer-subscriptions.client';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  controllers: [OpsSubscriptionsController],
  providers: [
    {
      provide: SubscriptionsService,
      inject: [PlatformConfig, DataSource],
      useFactory: (config: PlatformConfig, dataSource: DataSource) =>
        new SubscriptionsService(
          new ProducerSubscriptionsClient(operatorTokensOf(config.opsToken)[0]),
          dataSource,
          new OperatorActionsRepository(OPS_SCHEMA),
        ),
    },
  ],
})
export class SubscriptionsModule {}
