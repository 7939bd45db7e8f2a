import { provideAggregate } from '@app/eventstore';
import { Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkoutAggregate } from './checkout.aggregate';
import { CHECKOUT_DOWNSTREAM } from './downstream/checkout-downstream';
import { downstreamOptionsFromEnv } from './downstream/downstream.options';
import { HttpCheckoutDownstream } from './downstream/http-checkout-downstream';
import { CheckoutsController } from './http/checkouts.controller';
import { OperatorCheckoutsController } from './http/operator-checkouts.controller';
import { MerchantCheckoutsRepository } from './merchant-view/merchant-checkouts.repository';
import { CheckoutProcess } from './process/checkout-process';
import { CheckoutRecoveryWorker } from './recovery/checkout-recovery.worker';
import { RecoveryOptions, recoveryOptionsFromEnv } from './unfinished/recovery.options';
import { RECOVERY_OPTIONS } from './unfinished/recovery.tokens';
import { UnfinishedCheckoutsRepository } from './unfinished/unfinished-checkouts.repository';
import { CheckoutLeases } from './unfinished/checkout-leases';

const downstreamProvider: Provider = {
  provide: CHECKOUT_DOWNSTREAM,
  useFactory: () => new HttpCheckoutDownstream(downstreamOptionsFromEnv()),
};

class DownstreamLifecycle implements OnApplicationShutdown {
  constructor(private readonly downstream: HttpCheckoutDownstream) {}

  onApplicationShutdown(): Promise<void> {
    return this.downstream.close();
  }
}

@Module({
  controllers: [CheckoutsController, OperatorCheckoutsController],
  providers: [
    provideAggregate(checkoutAggregate),
    downstreamProvider,
    { provide: DownstreamLifecycle, inject: [CHECKOUT_DOWNSTREAM], useFactory: (d: HttpCheckoutDownstream) => new DownstreamLifecycle(d) },
    { provide: RECOVERY_OPTIONS, useFactory: () => recoveryOptionsFromEnv() },
    {
      provide: UnfinishedCheckoutsRepository,
      inject: [getDataSourceToken(), RECOVERY_OPTIONS],
      useFactory: (dataSource: DataSource, options: RecoveryOptions) =>
        new UnfinishedCheckoutsRepository(dataSource, 'checkout', options.deadlineMs),
    },
    {
      provide: MerchantCheckoutsRepository,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new MerchantCheckoutsRepository(dataSource, 'checkout'),
    },
    {
      provide: CheckoutLeases,
      inject: [getDataSourceToken(), RECOVERY_OPTIONS],
      useFactory: (dataSource: DataSource, options: RecoveryOptions) => new CheckoutLeases(dataSource, 'checkout', options),
    },
    CheckoutProcess,
    CheckoutRecoveryWorker,
  ],
})
export class CheckoutsModule {}
