import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { OpsModule } from './ops.module';

void bootstrapService(OpsModule, {
  name: 'ops',
  title: 'Ops service',
  description: 'Dead letters, subscriptions and the audit log of the platform; web console at /console.',
});
