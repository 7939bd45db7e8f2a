import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem-details.filter';
import { problem } from './problem';

/** Deeper JSON than any route takes; refusing it early spares the validators' recursion. */
export const MAX_INPUT_DEPTH = 32;

// PostgreSQL's text and jsonb refuse NUL, and jsonb refuses an unpaired UTF-16 surrogate: such a
// string would pass every DTO and then fail in the database, as a 500 and inside a shared write.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Where in `value` a string (or key) cannot be stored, or a nesting is too deep; undefined when all is well. */
export function findUnstorableInput(value: unknown, root: string): { at: string; reason: 'text' | 'depth' } | undefined {
  const pending: { value: unknown; at: string; depth: number }[] = [{ value, at: root, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, at, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) return { at, reason: 'text' };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return { at, reason: 'depth' };
    for (const [key, child] of Object.entries(current)) {
      if (UNSTORABLE.test(key)) return { at, reason: 'text' };
      pending.push({ value: child, at: Array.isArray(current) ? `${at}[${key}]` : `${at}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * One check for every route, before any handler: no path parameter, query parameter or body
 * string holds text the database cannot store (400 UNSTORABLE_TEXT), and no body nests deeper
 * than MAX_INPUT_DEPTH (400 INPUT_TOO_DEEP).
 */
export function refuseUnstorableInput(server: FastifyInstance): void {
  server.addHook('preValidation', (request, reply, done) => {
    const found =
      findUnstorableInput(request.params, 'path') ??
      findUnstorableInput(request.query, 'query') ??
      findUnstorableInput(request.body, 'body');
    if (!found) return done();
    const answer =
      found.reason === 'text'
        ? problem(400, 'UNSTORABLE_TEXT', `${found.at} holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.`)
        : problem(400, 'INPUT_TOO_DEEP', `${found.at} nests deeper than ${MAX_INPUT_DEPTH} levels.`);
    sendProblem(reply, answer);
  });
}
