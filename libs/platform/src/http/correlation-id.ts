import { randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';

export const CORRELATION_HEADER = 'x-correlation-id';
// A caller-supplied id ends up in every log line: accept only short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The header's value if it is one short, plain token (the form ids may take in logs and events). */
export function safeIdOf(header: string | string[] | undefined): string | undefined {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SAFE_ID.test(candidate) ? candidate : undefined;
}

/** Picks the request's correlation id: the caller's `x-correlation-id` if sane, else a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  return safeIdOf(req.headers[CORRELATION_HEADER]) ?? randomUUID();
}
