import { inspectSettings } from '@app/config';
import { DefaultPorts, ServiceName } from '@app/contracts';
import { CommitSignal } from '@app/eventstore';
import { AmqpConnection, ConsumerLatencyController } from '@app/messaging';
import { DynamicModule, Inject, Injectable, Module, OnModuleInit, Provider } from '@nestjs/common';
import { InjectDataSource, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, MixedList } from 'typeorm';
import { platformConfigModule, platformSettings } from './config/platform-config';
import { ClassType, databaseModule, runMigrationsExclusively } from './database/database.module';
import { HealthModule } from './health/health.module';
import { loggerModule } from './logging/logger.module';
import { brokerProviders } from './broker/broker-connection.provider';
import { SERVICE_NAME } from './config/service-name';
import { MetricsModule } from './metrics/metrics.module';
import { OperatorRoleGuard } from './security/operator-role.guard';
import { SecurityModule } from './security/security.module';

export interface ServiceDefinition {
  name: ServiceName;
  /** The service's migrations, after the event store's; omit for a service without a database. */
  migrations?: MixedList<ClassType>;
  /** Whether the service talks to RabbitMQ (every service with a database does). */
  broker?: boolean;
}

/** Runs the service's migrations before anything (relay, consumers, HTTP) touches its tables. */
@Injectable()
class MigrationRunner implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_NAME) private readonly schema: string,
  ) {}

  async onModuleInit(): Promise<void> {
    await runMigrationsExclusively(this.dataSource, this.schema);
  }
}

/**
 * Everything a service of the platform stands on, from its name alone: validated config, JSON
 * logs, its schema and migrations, health, metrics, the broker connection and the consumer
 * latency route. A producer adds the outbox relay with its operator routes (`RelayModule`, libs/relay).
 */
@Module({})
export class PlatformModule {
  static forService(service: ServiceDefinition): DynamicModule {
    // Runs as the service's module is imported, before bootstrapService validates the schema: it must not throw,
    // or a bad variable would end in a stack trace instead of the one-line error naming each variable.
    const logLevel = inspectSettings(platformSettings, process.env).values.LOG_LEVEL ?? 'info';
    const hasDatabase = service.migrations !== undefined;
    const hasBroker = service.broker ?? hasDatabase;
    const providers: Provider[] = [{ provide: SERVICE_NAME, useValue: service.name }, OperatorRoleGuard];
    // One commit signal per service: its command paths signal it, and its relay (RelayModule), while leading, listens to it.
    const commitSignal = {
      provide: CommitSignal,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new CommitSignal(dataSource, service.name),
    };
    if (hasDatabase) providers.push(MigrationRunner, commitSignal);
    if (hasBroker) providers.push(...brokerProviders);
    return {
      module: PlatformModule,
      global: true,
      imports: [
        platformConfigModule(DefaultPorts[service.name]),
        loggerModule(service.name, logLevel),
        SecurityModule,
        HealthModule,
        MetricsModule,
        ...(hasDatabase ? [databaseModule({ schema: service.name, migrations: service.migrations! })] : []),
      ],
      controllers: hasDatabase ? [ConsumerLatencyController] : [],
      providers,
      exports: [SERVICE_NAME, OperatorRoleGuard, ...(hasDatabase ? [CommitSignal] : []), ...(hasBroker ? [AmqpConnection] : [])],
    };
  }
}
