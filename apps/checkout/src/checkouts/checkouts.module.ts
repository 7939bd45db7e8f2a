import { Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { checkoutCommandsProvider } from './checkout-commands';
import { CHECKOUT_DOWNSTREAM } from './downstream/checkout-downstream';
import { downstreamOptionsFromEnv } from './downstream/downstream.options';
import { HttpCheckoutDownstream } from './downstream/http-checkout-downstream';
import { CheckoutsController } from './http/checkouts.controller';
import { CheckoutProcess } from './process/checkout-process';

const downstreamProvider: Provider = {
  provide: CHECKOUT_DOWNSTREAM,
  useFactory: () => new HttpCheckoutDownstream(downstreamOptionsFromEnv()),
};

class DownstreamLifecycle implements OnApplicationShutdown {
  constructor(private readonly downstream: HttpCheckoutDownstream) {}

  onApplicationShutdown(): void {
    this.downstream.close();
  }
}

@Module({
  controllers: [CheckoutsController],
  providers: [
    checkoutCommandsProvider,
    downstreamProvider,
    { provide: DownstreamLifecycle, inject: [CHECKOUT_DOWNSTREAM], useFactory: (d: HttpCheckoutDownstream) => new DownstreamLifecycle(d) },
    CheckoutProcess,
  ],
})
export class CheckoutsModule {}
