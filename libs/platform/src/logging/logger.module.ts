import { traceLogFields } from '@app/tracing';
import { DynamicModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'http';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';

const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * pino-http binds each request to a child logger as soon as it arrives, whether or not a line is
 * ever written: its standard serializers copied every header for that, a tenth of the Account
 * service's CPU under load. Id, method, URL and status are what an operator reads, and a request
 * line without headers cannot leak a credential.
 */
export const requestLogSerializers = {
  req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

/**
 * JSON pino logging with the service name; a request's lines carry its correlation id (see createHttpAdapter),
 * and every line written inside a span carries its `trace_id` and `span_id`.
 */
export function loggerModule(serviceName: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      base: { service: serviceName },
      mixin: traceLogFields,
      wrapSerializers: false,
      serializers: requestLogSerializers,
      autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
    },
  });
}
