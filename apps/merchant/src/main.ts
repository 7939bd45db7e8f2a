import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { merchantConfig } from './merchant.config';
import { MerchantModule } from './merchant.module';

void bootstrapService(MerchantModule, { name: 'merchant', config: merchantConfig, title: 'Merchant service' });
