import { ServiceSchema, validateServiceConfig } from '@app/config';
import { DefaultPorts, ServiceName, assertUpcasterChains, queueName, routesTo } from '@app/contracts';
import { AmqpConnection, EventTransport } from '@app/messaging';
import { startTracing } from '@app/tracing';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ConfigValidationError, loadPlatformConfig } from '../config/platform-config';
import { ensureDatabase } from '../database/ensure-database';
import { closeGracefullyOnSignals } from '../health/shutdown-state';
import { configureHttpApp, createHttpAdapter } from '../http/create-http-app';
import { assertDependenciesReachable } from './preflight';

export interface BootstrapOptions {
  name: ServiceName;
  /** Every variable the service reads: validated before anything starts, then the only ones it may read. */
  config: ServiceSchema;
  title: string;
  description?: string;
  /** Whether the service has its own schema (and so a broker connection and queues). */
  database?: boolean;
}

/**
 * Starts one service: checks its servers are reachable, creates the database if missing, runs
 * migrations, starts the relay and the queue consumers, then listens. Any failure ends the
 * process with one readable line instead of a stack trace.
 */
export async function bootstrapService(rootModule: unknown, options: BootstrapOptions): Promise<INestApplication> {
  const logger = new Logger(options.name);
  try {
    // A gap or a cycle in an event's upcaster chain would misread stored events: refuse to start instead.
    assertUpcasterChains();
    validateServiceConfig(options.config);
    // Before anything that may trace; a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const stopTracing = startTracing(options.name);
    const config = loadPlatformConfig(DefaultPorts[options.name]);
    const database = options.database ?? true;
    if (database) {
      await assertDependenciesReachable({ databaseUrl: config.databaseUrl, amqpUrl: config.amqpUrl });
      await ensureDatabase(config.databaseUrl);
    }
    const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, createHttpAdapter(config.http), { bufferLogs: true });
    configureHttpApp(app, { title: options.title, description: options.description, shutdownHooks: false });
    closeGracefullyOnSignals(app, config.shutdownGraceMs, stopTracing);
    const queues = routesTo(options.name).map((route) => queueName(route.consumer, route.producer));
    if (database && queues.length > 0) {
      const transport = new EventTransport({
        connection: app.get(AmqpConnection),
        dataSource: app.get(DataSource),
        schema: options.name,
        queues,
      });
      // Sharing the app's config gives handlers the platform filter, which hands their errors back
      // to the transport untouched (Nest's default RPC filter would hide whether they are permanent).
      app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    }
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.port, config.host);
    logger.log(`${options.name} listening on http://${config.host}:${config.port} (OpenAPI at /docs)`);
    return app;
  } catch (error) {
    const reason = error instanceof ConfigValidationError ? error.message : ((error as Error)?.message ?? String(error));
    process.stderr.write(`${options.name} could not start: ${reason}\n`);
    process.exit(1);
  }
}
