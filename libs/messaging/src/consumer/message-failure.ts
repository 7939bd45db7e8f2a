import { isDomainError } from '@app/domain';

/** A message that can never succeed as it is: it goes to the dead-letter queue at once. */
export class PermanentMessageError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}

/** An event arrived before an earlier event of its stream; it is retried until the gap closes. */
export class OutOfOrderError extends Error {
  readonly code = 'OUT_OF_ORDER';
  constructor(streamId: string, expectedAfter: number, got: number) {
    super(`${streamId}: version ${got} arrived before version ${expectedAfter} was applied`);
    this.name = 'OutOfOrderError';
  }
}

export interface ClassifiedFailure {
  permanent: boolean;
  code: string;
  message: string;
}

/**
 * Broken rules, schema violations and malformed messages are permanent; anything else (a lost
 * database connection, a deadlock, an out-of-order arrival) may pass, so it is retried.
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
