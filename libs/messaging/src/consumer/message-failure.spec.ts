import { DomainError } from '@app/domain';
import { PermanentMessageError, classifyFailure, isInfrastructureFailure } from './message-failure';

describe('classifyFailure', () => {
  it('treats a broken domain rule as permanent, keeping its code', () => {
    expect(classifyFailure(new DomainError('rule', 'ACCOUNT_LOCKED', 'locked'))).toEqual({
      permanent: true,
      code: 'ACCOUNT_LOCKED',
      message: 'locked',
    });
  });

  it('treats malformed and schema-violating messages as permanent', () => {
    expect(classifyFailure(new PermanentMessageError('SCHEMA_VIOLATION', 'no eventId'))).toEqual({
      permanent: true,
      code: 'SCHEMA_VIOLATION',
      message: 'no eventId',
    });
  });

  it('retries infrastructure errors, naming them by their driver code', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(classifyFailure(deadlock)).toEqual({ permanent: false, code: '40P01', message: 'deadlock detected' });
    expect(classifyFailure(new TypeError('x is undefined'))).toEqual({ permanent: false, code: 'TypeError', message: 'x is undefined' });
  });

  it('retries whatever else was thrown', () => {
    expect(classifyFailure('boom')).toEqual({ permanent: false, code: 'HANDLER_ERROR', message: 'boom' });
  });
});

describe('isInfrastructureFailure', () => {
  const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it('recognises a server that is down, restarting, overloaded or in a transient conflict', () => {
    for (const error of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('08006'),
      withCode('40001', 'could not serialize access'),
      Object.assign(new Error('query failed'), { driverError: withCode('53300', 'too many connections') }),
      new Error('Connection terminated unexpectedly'),
      new Error('Client was closed and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect([error.message, isInfrastructureFailure(error)]).toEqual([error.message, true]);
    }
  });

  it('leaves failures of the message itself to count as attempts', () => {
    for (const error of [
      new Error('boom'),
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('22P02', 'invalid input syntax for type uuid'),
      new DomainError('rule', 'LIMIT_TOO_LOW', 'the limit is below the balance'),
      'a string',
      undefined,
    ]) {
      expect(isInfrastructureFailure(error)).toBe(false);
    }
  });
});
