import { queueName, routesFrom } from '@app/contracts';
import { CommitSignal } from '@app/eventstore';
import { AmqpConnection } from '@app/messaging';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { PlatformConfig, SERVICE_NAME } from '@app/platform';
import { OutboxRelay } from '../outbox-relay';

/** Starts the service's outbox relay after migrations, and stops it before anything else closes. */
@Injectable()
export class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly relay: OutboxRelay) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

export const relayProviders: Provider[] = [
  {
    provide: OutboxRelay,
    inject: [PlatformConfig, AmqpConnection, SERVICE_NAME, CommitSignal],
    useFactory: (config: PlatformConfig, connection: AmqpConnection, service: string, commitSignal: CommitSignal) =>
      new OutboxRelay({
        commitSignal,
        databaseUrl: config.databaseUrl,
        schema: service,
        producer: service,
        connection,
        backfillConnection: new AmqpConnection({ url: config.amqpUrl, name: `${service}-backfill` }),
        routes: routesFrom(service).map((route) => ({
          queue: queueName(route.consumer, route.producer),
          eventTypes: route.eventTypes,
        })),
      }),
  },
  RelayLifecycle,
];
