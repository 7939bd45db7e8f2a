import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { CheckoutModule } from './checkout.module';

void bootstrapService(CheckoutModule, { name: 'checkout', title: 'Checkout service' });
