import { PlatformModule, storeMigrations } from '@app/platform';
import { Module } from '@nestjs/common';
import { CheckoutsModule } from './checkouts/checkouts.module';

@Module({
  imports: [PlatformModule.forService({ name: 'checkout', migrations: storeMigrations('checkout') }), CheckoutsModule],
})
export class CheckoutModule {}
