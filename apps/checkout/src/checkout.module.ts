import { eventStoreMigrations } from '@app/eventstore';
import { PlatformModule } from '@app/platform';
import { Module } from '@nestjs/common';
import { CheckoutsModule } from './checkouts/checkouts.module';

@Module({
  imports: [PlatformModule.forService({ name: 'checkout', migrations: eventStoreMigrations('checkout') }), CheckoutsModule],
})
export class CheckoutModule {}
