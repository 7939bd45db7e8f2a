import { PlatformConfig } from '@app/platform';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { OPS_SCHEMA } from '../ops-schema';
import { CheckoutServiceClient } from './checkout-service.client';
import { OpsCheckoutsController } from './http/ops-checkouts.controller';
import { OpsCheckoutsService } from './ops-checkouts.service';
import { registerUnfinishedCheckoutMetrics } from './unfinished-checkouts.metrics';

@Module({
  controllers: [OpsCheckoutsController],
  providers: [
    {
      provide: OpsCheckoutsService,
      inject: [PlatformConfig, DataSource],
      useFactory: (config: PlatformConfig, dataSource: DataSource) => {
        const client = new CheckoutServiceClient(config.opsToken);
        registerUnfinishedCheckoutMetrics(client);
        return new OpsCheckoutsService(client, dataSource, new OperatorActionsRepository(OPS_SCHEMA));
      },
    },
  ],
})
export class CheckoutsModule {}
