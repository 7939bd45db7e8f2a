import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { fraudConfig } from './fraud.config';
import { FraudModule } from './fraud.module';

void bootstrapService(FraudModule, { name: 'fraud', config: fraudConfig, title: 'Fraud service' });
