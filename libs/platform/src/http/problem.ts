import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'http';

/** The RFC 9457 body every service answers errors with (docs/architecture.md#http-contract). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `INSUFFICIENT_FUNDS` → `urn:problem:insufficient-funds`: a stable type per code. */
export const problemTypeOf = (code: string): string => `urn:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/** Builds a problem body; `title` defaults to the status' reason phrase. */
export function problem(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return {
    ...extensions,
    type: problemTypeOf(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
  };
}

/**
 * An HttpException that already knows its problem code, for edge errors that are not domain
 * rules (malformed JSON, a declined upstream call, a bad header).
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super({ ...extensions, code, detail, message: detail }, status);
    this.name = 'ProblemException';
  }
}
