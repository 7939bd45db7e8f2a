import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { accountConfig } from './account.config';
import { AccountModule } from './account.module';

void bootstrapService(AccountModule, { name: 'account', config: accountConfig, title: 'Account service' });
