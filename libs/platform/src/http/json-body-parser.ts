import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ProblemException } from './problem';

/**
 * Express' JSON parser, with its failures turned into coded problems. Nest would otherwise map a
 * parse failure to a plain BadRequestException and lose the fact that the body was malformed.
 */
export function createJsonBodyParser(limit = '100kb'): RequestHandler {
  const parse = json({ limit });
  // Nest skips its own JSON parser when a middleware with this name is already registered.
  return function jsonParser(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : translate(error, limit)));
  };
}

function translate(error: unknown, limit: string): unknown {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') {
    return new ProblemException(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  if (type === 'entity.too.large') {
    return new ProblemException(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit}.`);
  }
  return error;
}
