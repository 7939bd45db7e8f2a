import { Module } from '@nestjs/common';
import { OutboxRelay } from '../outbox-relay';
import { AsyncApiController } from './asyncapi.controller';
import { relayProviders } from './relay.lifecycle';
import { SubscriptionsController } from './subscriptions.controller';

/**
 * A producer's outbox relay with its operator routes (`/subscriptions`, `/asyncapi.json`). A
 * producer imports it beside `PlatformModule.forService`, whose global providers (the service's
 * name, config, broker connection and commit signal) it stands on.
 */
@Module({
  controllers: [SubscriptionsController, AsyncApiController],
  providers: relayProviders,
  exports: [OutboxRelay],
})
export class RelayModule {}
