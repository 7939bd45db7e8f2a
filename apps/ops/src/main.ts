import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { opsConfig } from './ops.config';
import { OpsModule } from './ops.module';

void bootstrapService(OpsModule, {
  name: 'ops',
  config: opsConfig,
  title: 'Ops service',
  description: 'Dead letters, subscriptions and the audit log of the platform; web console at /console.',
});
