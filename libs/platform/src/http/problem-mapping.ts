import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, DomainErrorKind, isDomainError } from '@app/domain';
import { DownstreamUnavailableError } from './downstream-unavailable.error';
import { Problem, problem } from './problem';

export const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  rule: 400,
  'not-found': 404,
  conflict: 409,
  limit: 422,
};

/** What the filter answers, and whether the cause deserves an error log with its stack. */
export interface MappedProblem {
  problem: Problem;
  unexpected: boolean;
}

/** Facts about the request that the exception alone does not tell. */
export interface RequestFacts {
  /** False when no route matched: Nest's 404 for an unknown path. */
  routeMatched: boolean;
}

const INTERNAL_DETAIL = 'An unexpected error occurred. It has been logged; please try again later.';

/** Maps anything a handler can throw to the problem+json answer for it. */
export function mapToProblem(exception: unknown, facts: RequestFacts = { routeMatched: true }): MappedProblem {
  if (isDomainError(exception)) return expected(fromDomainError(exception));
  if (exception instanceof DownstreamUnavailableError) {
    return expected(problem(503, exception.code, `The ${exception.serviceName} service is unavailable; try again later.`));
  }
  if (exception instanceof HttpException) return fromHttpException(exception, facts);
  const clientError = asClientHttpError(exception);
  if (clientError) return expected(problem(clientError.status, codeOfStatus(clientError.status), clientError.message));
  return { problem: problem(500, 'INTERNAL_ERROR', INTERNAL_DETAIL), unexpected: true };
}

const expected = (body: Problem): MappedProblem => ({ problem: body, unexpected: false });

const fromDomainError = (error: DomainError): Problem => problem(STATUS_BY_KIND[error.kind] ?? 400, error.code, error.message);

function fromHttpException(exception: HttpException, facts: RequestFacts): MappedProblem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  if (status === 404 && !facts.routeMatched) {
    return expected(problem(404, 'ROUTE_NOT_FOUND', `${exception.message.replace(/^Cannot /, 'No route for ')}.`));
  }
  if (status >= 500) {
    // A 5xx HttpException's message may describe internals; keep it in the log, not the body.
    const code = typeof body.code === 'string' ? body.code : codeOfStatus(status);
    const detail = typeof body.detail === 'string' ? body.detail : INTERNAL_DETAIL;
    return { problem: problem(status, code, detail, extensionsOf(body)), unexpected: status === 500 };
  }
  const code = typeof body.code === 'string' ? body.code : codeOfStatus(status);
  return expected(problem(status, code, detailOf(body, exception), extensionsOf(body)));
}

function detailOf(body: Record<string, unknown>, exception: HttpException): string {
  if (typeof body.detail === 'string') return body.detail;
  if (Array.isArray(body.message)) return body.message.join('; ');
  if (typeof body.message === 'string') return body.message;
  return typeof exception.getResponse() === 'string' ? (exception.getResponse() as string) : exception.message;
}

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'message', 'error', 'statusCode']);
const extensionsOf = (body: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body).filter(([key]) => !RESERVED.has(key)));

/** `413` → `PAYLOAD_TOO_LARGE`, from Nest's HttpStatus names. */
export const codeOfStatus = (status: number): string => (HttpStatus[status] as string | undefined) ?? `HTTP_${status}`;

// Fastify turns a request away before any handler with a coded error (`FST_ERR_…`), e.g. 413 for a
// body over the limit or 415 for a content type no parser takes; its messages are meant for clients.
function asClientHttpError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode: status, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return { status, message: typeof message === 'string' ? message : codeOfStatus(status) };
}
