import { DynamicModule, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';

const CORRELATION_HEADER = 'x-correlation-id';
// A caller-supplied id ends up in every log line: accept only short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Picks the request's correlation id: the caller's `x-correlation-id` if sane, else a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const header = req.headers[CORRELATION_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SAFE_ID.test(candidate) ? candidate : randomUUID();
}

/**
 * pino-http binds each request to a child logger as soon as it arrives, whether or not a line is
 * ever written: its standard serializers copied every header for that, a tenth of the Account
 * service's CPU under load. Id, method, URL and status are what an operator reads, and a request
 * line without headers cannot leak a credential.
 */
export const requestLogSerializers = {
  req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({ id: req.id, method: req.method, url: req.originalUrl ?? req.url }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

/** JSON pino logging with the service name, correlation ids and redacted credentials. */
export function loggerModule(serviceName: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      base: { service: serviceName },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      wrapSerializers: false,
      serializers: requestLogSerializers,
      autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = correlationIdOf(req);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
    },
  });
}
