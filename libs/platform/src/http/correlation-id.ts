import { randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';

export const CORRELATION_HEADER = 'x-correlation-id';
// A caller-supplied id ends up in every log line: accept only short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Picks the request's correlation id: the caller's `x-correlation-id` if sane, else a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const header = req.headers[CORRELATION_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SAFE_ID.test(candidate) ? candidate : randomUUID();
}
