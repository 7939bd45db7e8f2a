import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { FraudModule } from './fraud.module';

void bootstrapService(FraudModule, { name: 'fraud', title: 'Fraud service' });
