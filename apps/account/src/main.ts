import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { AccountModule } from './account.module';

void bootstrapService(AccountModule, { name: 'account', title: 'Account service' });
