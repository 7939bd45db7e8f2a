import { isDomainError } from '@app/domain';

/** A message that can never succeed as it is: it goes to the dead-letter queue at once. */
export class PermanentMessageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}

export interface ClassifiedFailure {
  permanent: boolean;
  code: string;
  message: string;
}

/**
 * Broken rules, schema violations and malformed messages are permanent; anything else (a lost
 * database connection, a deadlock) may pass, so it is retried. An event that arrives before its
 * predecessor is no failure at all: it waits (waiting-events.rules.ts).
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof PermanentMessageError) return { permanent: true, code: error.code, message: error.message };
  if (isDomainError(error)) return { permanent: true, code: error.code, message: error.message };
  if (error instanceof Error) {
    const { code } = error as Error & { code?: unknown };
    return { permanent: false, code: typeof code === 'string' && code ? code : error.name, message: error.message };
  }
  return { permanent: false, code: 'HANDLER_ERROR', message: String(error) };
}

// SQLSTATE classes and codes of a server that is down, restarting, overloaded or in a transient
// conflict: 08 connection exception, 53 insufficient resources (53300 too many connections),
// 57P01-57P03 shutdown and startup, 58 system error, 40001 serialization failure, 40P01 deadlock.
const INFRASTRUCTURE_SQLSTATE = /^(08|53|57P0[1-3]|58|40001$|40P01$)/;
const INFRASTRUCTURE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
// node-pg reports a lost or unreachable server with these messages and no code.
const INFRASTRUCTURE_MESSAGE =
  /Connection terminated|is not queryable|Query read timeout|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

/**
 * Whether `error` says a server the consumer needs is unavailable, rather than anything about the
 * message: such a failure must not use up the message's attempts, however long the outage lasts.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (
    let current = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined;
    current && typeof current === 'object' && !seen.has(current);
    current = (current.driverError ?? current.cause) as typeof current
  ) {
    seen.add(current);
    const code = typeof current.code === 'string' ? current.code : '';
    if (INFRASTRUCTURE_ERRNO.has(code) || INFRASTRUCTURE_SQLSTATE.test(code)) return true;
    if (typeof current.message === 'string' && INFRASTRUCTURE_MESSAGE.test(current.message)) return true;
  }
  return false;
}
