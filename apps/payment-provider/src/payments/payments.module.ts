import { DynamicModule, Module } from '@nestjs/common';
import { AuthorisationsService } from './authorisations.service';
import { BehaviourService } from './behaviour/behaviour.service';
import { AuthorisationsController } from './http/authorisations.controller';
import { TestAuthorisationsController } from './http/test-authorisations.controller';
import { TestBehaviourController } from './http/test-behaviour.controller';
import { PaymentProviderOptions, PROVIDER_OPTIONS } from './provider-options';

@Module({})
export class PaymentsModule {
  /** The simulator's routes; the test knobs only when `options.testRoutes`. */
  static forRoot(options: PaymentProviderOptions): DynamicModule {
    return {
      module: PaymentsModule,
      controllers: [AuthorisationsController, ...(options.testRoutes ? [TestBehaviourController, TestAuthorisationsController] : [])],
      providers: [{ provide: PROVIDER_OPTIONS, useValue: options }, BehaviourService, AuthorisationsService],
    };
  }
}
