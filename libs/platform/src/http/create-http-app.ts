import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { createJsonBodyParser } from './json-body-parser';
import { setupOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe } from './validation.pipe';

export interface HttpAppOptions {
  title: string;
  description?: string;
  /** Largest accepted JSON body, in body-parser notation. */
  jsonLimit?: string;
}

/** Applies the platform's HTTP conventions to `app`; call before `init`/`listen`, never listens itself. */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): INestApplication {
  useLoggerIfPresent(app);
  const express = app.getHttpAdapter().getInstance() as { disable?: (setting: string) => void };
  express.disable?.('x-powered-by');
  app.use(httpMetricsMiddleware);
  // Registered before init so that it replaces Nest's default parser instead of running after it.
  app.use(createJsonBodyParser(options.jsonLimit ?? '100kb'));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app, options.title, options.description);
  app.enableShutdownHooks();
  return app;
}

function useLoggerIfPresent(app: INestApplication): void {
  let logger: Logger;
  try {
    logger = app.get(Logger, { strict: false });
  } catch {
    // Without loggerModule() the app keeps Nest's default console logger.
    return;
  }
  app.useLogger(logger);
  app.flushLogs();
}
