import { DynamicModule, Module } from '@nestjs/common';
import { DefaultPorts } from '@app/contracts';
import { HealthModule, loggerModule, MetricsModule, platformConfigModule, SecurityModule } from '@app/platform';
import { PaymentsModule } from './payments/payments.module';
import { PaymentProviderOptions } from './payments/provider-options';

/** The external payment provider simulator: no database, no broker, state in memory. */
@Module({})
export class PaymentProviderModule {
  static forRoot(options: PaymentProviderOptions): DynamicModule {
    return {
      module: PaymentProviderModule,
      imports: [
        platformConfigModule(DefaultPorts['payment-provider']),
        loggerModule('payment-provider', options.logLevel),
        SecurityModule,
        HealthModule,
        MetricsModule,
        PaymentsModule.forRoot(options),
      ],
    };
  }
}
