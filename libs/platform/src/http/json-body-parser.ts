import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from './problem';

/**
 * Fastify's JSON parser (with its prototype-poisoning guard), with a parse failure turned into a
 * coded problem. An empty body counts as no body, as bodiless commands (lock, capture) are often
 * sent with a JSON content type anyway.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (req, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(req as FastifyRequest, body.toString('utf8'), (error, value) =>
      error ? done(new ProblemException(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'), undefined) : done(null, value),
    );
  });
}
