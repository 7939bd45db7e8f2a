import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { MerchantModule } from './merchant.module';

void bootstrapService(MerchantModule, { name: 'merchant', title: 'Merchant service' });
