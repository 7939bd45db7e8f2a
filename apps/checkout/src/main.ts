import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { checkoutConfig } from './checkout.config';
import { CheckoutModule } from './checkout.module';

void bootstrapService(CheckoutModule, { name: 'checkout', config: checkoutConfig, title: 'Checkout service' });
