import { PlatformConfig, operatorTokensOf } from '@app/platform';
import { Module } from '@nestjs/common';
import { CheckoutServiceClient } from './checkout-service.client';
import { OpsCheckoutsController } from './http/ops-checkouts.controller';
import { OpsCheckoutsService } from './ops-checkouts.service';
import { registerUnfinishedCheckoutMetrics } from './unfinished-checkouts.metrics';

@Module({
  controllers: [OpsCheckoutsController],
  providers: [
    {
      provide: CheckoutServiceClient,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) => {
        const client = new CheckoutServiceClient(operatorTokensOf(config.opsToken)[0]);
        registerUnfinishedCheckoutMetrics(client);
        return client;
      },
    },
    {
      provide: OpsCheckoutsService,
      inject: [CheckoutServiceClient],
      useFactory: (client: CheckoutServiceClient) => new OpsCheckoutsService(client),
    },
  ],
})
export class CheckoutsModule {}
