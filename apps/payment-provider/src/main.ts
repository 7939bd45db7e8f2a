import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { validateServiceConfig } from '@app/config';
import { DefaultPorts } from '@app/contracts';
import { configureHttpApp, createHttpAdapter, loadPlatformConfig } from '@app/platform';
import { startTracing } from '@app/tracing';
import { Logger } from 'nestjs-pino';
import { paymentProviderConfig } from './payment-provider.config';
import { PaymentProviderModule } from './payment-provider.module';
import { providerOptionsFromEnv } from './payments/provider-options';

async function bootstrap(): Promise<void> {
  validateServiceConfig(paymentProviderConfig);
  // A no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  startTracing('payment-provider');
  const config = loadPlatformConfig(DefaultPorts['payment-provider']);
  port = config.port;
  const options = providerOptionsFromEnv(process.env, config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(PaymentProviderModule.forRoot(options), createHttpAdapter(config.http), {
    bufferLogs: true,
  });
  configureHttpApp(app, {
    title: 'Payment provider simulator',
    description: 'Authorise, capture and void payments; behaviour knobs under /test/behaviour.',
  });
  await app.listen(config.port, config.host);
  app.get(Logger).log(`Payment provider simulator listening on http://${config.host}:${config.port}`, 'Bootstrap');
}

let port: number = DefaultPorts['payment-provider'];

bootstrap().catch((error: unknown) => {
  // One readable line, never a stack trace: the usual causes are bad configuration or a busy port.
  const { code, message } = error as { code?: string; message?: string };
  const reason = code === 'EADDRINUSE' ? `port ${port} is already in use; set PORT` : message;
  process.stderr.write(`payment-provider could not start: ${reason ?? String(error)}\n`);
  process.exit(1);
});
