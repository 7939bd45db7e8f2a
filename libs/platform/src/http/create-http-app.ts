import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'http';
import { Logger } from 'nestjs-pino';
import { DEFAULT_HTTP_LIMITS, HttpLimits } from '../config/http-limits';
import { observeHttpRequests } from '../metrics/http-metrics.hook';
import { CORRELATION_HEADER, correlationIdOf } from './correlation-id';
import { useJsonBodyParser } from './json-body-parser';
import { setupOpenApi } from './openapi';
import { guardRequestBodies } from './request-body-guards';
import { refuseUnstorableInput } from './storable-input';
import { ProblemDetailsFilter, sendProblem } from './problem-details.filter';
import { mapToProblem } from './problem-mapping';
import { traceHttpRequests } from './trace-requests.hook';
import { createValidationPipe } from './validation.pipe';

export interface HttpAppOptions {
  title: string;
  description?: string;
  /** Nest's own signal handling; off where closeGracefullyOnSignals takes over (services). */
  shutdownHooks?: boolean;
}

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * The platform's HTTP server: Fastify, because under Nest it costs less than half of Express' CPU
 * per request (README, "Measured choices"). Each request's id
 * is its correlation id, so controllers, log lines and the `x-correlation-id` header agree.
 */
export function createHttpAdapter(limits: HttpLimits = DEFAULT_HTTP_LIMITS): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the header and request deadlines on this beat (30 s by default, too coarse for them).
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs) },
    // Long path parameters reach the handlers, whose validation names what is wrong with them.
    routerOptions: { maxParamLength: 1_000 },
    // Requests the router turns away (a malformed URL) answer problem+json too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, mapToProblem(error).problem),
    genReqId: (req: IncomingMessage) => {
      // The request logger (pino-http) takes the id from the raw request.
      req.id = correlationIdOf(req);
      return req.id;
    },
  });
  const server = adapter.getInstance();
  server.server.maxConnections = limits.maxConnections;
  guardRequestBodies(server, limits);
  return adapter;
}

/** Applies the platform's HTTP conventions to `app`; call before `init`/`listen`, never listens itself. */
export function configureHttpApp(app: NestFastifyApplication, options: HttpAppOptions): NestFastifyApplication {
  useLoggerIfPresent(app);
  const server = app.getHttpAdapter().getInstance();
  server.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, request.id);
    done();
  });
  observeHttpRequests(server);
  traceHttpRequests(server);
  refuseUnstorableInput(server);
  useJsonBodyParser(app, MAX_BODY_BYTES);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app, options.title, options.description);
  // Only the stop signals: Nest's default list includes SIGUSR2 and SIGHUP, which would end the process
  // when a profiler or a terminal sends them.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}

function useLoggerIfPresent(app: NestFastifyApplication): void {
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
