import { BadRequestException, HttpException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@app/domain';
import { DownstreamUnavailableError } from './downstream-unavailable.error';
import { ProblemException } from './problem';
import { mapToProblem } from './problem-mapping';

describe('mapToProblem', () => {
  it.each<[DomainErrorKind, number]>([
    ['validation', 400],
    ['rule', 400],
    ['not-found', 404],
    ['conflict', 409],
    ['limit', 422],
  ])('maps a DomainError of kind %s to %i with its code and message', (kind, status) => {
    const { problem, unexpected } = mapToProblem(new DomainError(kind, 'SOME_CODE', 'Something a person can read.'));
    expect(problem).toEqual({
      type: 'urn:problem:some-code',
      title: expect.any(String),
      status,
      detail: 'Something a person can read.',
      code: 'SOME_CODE',
    });
    expect(unexpected).toBe(false);
  });

  it('maps DownstreamUnavailableError to 503 <SERVICE>_UNAVAILABLE naming the service', () => {
    const { problem } = mapToProblem(new DownstreamUnavailableError('account', new Error('ECONNREFUSED')));
    expect(problem).toMatchObject({ status: 503, code: 'ACCOUNT_UNAVAILABLE', detail: expect.stringContaining('account') });
    expect(mapToProblem(new DownstreamUnavailableError('payment-provider')).problem.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
  });

  it('keeps the code and extensions of a ProblemException', () => {
    const { problem } = mapToProblem(
      new ProblemException(400, 'VALIDATION_FAILED', 'a must be a string', { errors: ['a must be a string'] }),
    );
    expect(problem).toEqual({
      type: 'urn:problem:validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'a must be a string',
      code: 'VALIDATION_FAILED',
      errors: ['a must be a string'],
    });
  });

  it('derives a code from the status of a plain HttpException', () => {
    expect(mapToProblem(new BadRequestException('nope')).problem).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: 'nope' });
    expect(mapToProblem(new HttpException('slow down', 429)).problem).toMatchObject({ code: 'TOO_MANY_REQUESTS', detail: 'slow down' });
  });

  it('tells an unknown route apart from a handler’s own 404', () => {
    const notFound = new NotFoundException('Cannot GET /nowhere');
    expect(mapToProblem(notFound, { routeMatched: false }).problem).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: 'No route for GET /nowhere.',
    });
    expect(mapToProblem(notFound, { routeMatched: true }).problem.code).toBe('NOT_FOUND');
  });

  it('maps the coded client errors Fastify turns requests away with to their status', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(mapToProblem(tooLarge)).toEqual({
      problem: expect.objectContaining({ status: 413, code: 'PAYLOAD_TOO_LARGE' }),
      unexpected: false,
    });
    const other = Object.assign(new Error('connect ECONNREFUSED'), { statusCode: 400, code: 'ECONNREFUSED' });
    expect(mapToProblem(other).problem.status).toBe(500);
  });

  it('answers anything else with a generic 500 that reveals nothing', () => {
    const { problem, unexpected } = mapToProblem(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(problem).toEqual({
      type: 'urn:problem:internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: expect.not.stringContaining('secret'),
      code: 'INTERNAL_ERROR',
    });
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts|TypeError/);
    expect(unexpected).toBe(true);
  });

  it('does not leak the message of a 500 HttpException either', () => {
    const { problem } = mapToProblem(new InternalServerErrorException('pool exhausted on db-7'));
    expect(problem.detail).not.toContain('db-7');
  });
});
