import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { HttpLimits } from '../config/http-limits';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';

/**
 * Two guards around request bodies, for every route:
 * - a body must arrive whole within `bodyTimeoutMs` of the headers, or the client gets a 408 and
 *   the connection closes, so a client trickling a body cannot hold a connection for long;
 * - an answer sent before the body was read (413 for a body over the limit, 415) first reads and
 *   discards the rest, for at most `bodyTimeoutMs`. Closing the connection while the client is
 *   still sending would reset it, and the client would see EPIPE instead of the answer.
 */
export function guardRequestBodies(server: FastifyInstance, limits: HttpLimits): void {
  server.addHook('onRequest', (request, _reply, done) => {
    if (!request.raw.complete) bodyDeadline(request.raw, limits.bodyTimeoutMs);
    done();
  });
  server.addHook('onSend', async (request, _reply, payload) => {
    if (!request.raw.complete && !request.raw.destroyed) await drain(request.raw, limits.bodyTimeoutMs);
    return payload;
  });
}

function bodyDeadline(raw: IncomingMessage, timeoutMs: number): void {
  const timer = setTimeout(() => {
    if (raw.complete || raw.socket.destroyed) return;
    const body = JSON.stringify(problem(408, 'BODY_TIMEOUT', `The request body did not arrive within ${timeoutMs} ms.`));
    raw.socket.end(
      `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    raw.socket.destroySoon();
  }, timeoutMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  raw.once('end', stop);
  raw.once('close', stop);
}

function drain(raw: IncomingMessage, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    raw.once('end', finish);
    raw.once('close', finish);
    raw.removeAllListeners('data');
    raw.resume();
  });
}
