import { AmqpConnection } from '@app/messaging';
import { Injectable, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { PlatformConfig } from '../config/platform-config';
import { SERVICE_NAME } from '../config/service-name';
import { BROKER_STATUS, BrokerStatus } from '../health/broker-status';

/** Owns the service's AMQP connection: opened at start, closed last on shutdown. */
@Injectable()
export class BrokerConnectionLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly connection: AmqpConnection) {}

  async onModuleInit(): Promise<void> {
    await this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

export const brokerProviders: Provider[] = [
  {
    provide: AmqpConnection,
    inject: [PlatformConfig, SERVICE_NAME],
    useFactory: (config: PlatformConfig, service: string) => new AmqpConnection({ url: config.amqpUrl, name: service }),
  },
  {
    provide: BROKER_STATUS,
    inject: [AmqpConnection],
    useFactory: (connection: AmqpConnection): BrokerStatus => ({ isConnected: () => connection.isConnected }),
  },
  BrokerConnectionLifecycle,
];
