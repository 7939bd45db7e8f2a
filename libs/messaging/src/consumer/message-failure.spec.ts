import { DomainError } from '@app/domain';
import { OutOfOrderError, PermanentMessageError, classifyFailure } from './message-failure';

describe('classifyFailure', () => {
  it('treats a broken domain rule as permanent, keeping its code', () => {
    expect(classifyFailure(new DomainError('rule', 'ACCOUNT_LOCKED', 'locked'))).toEqual({
      permanent: true, code: 'ACCOUNT_LOCKED', message: 'locked',
    });
  });

  it('treats malformed and schema-violating messages as permanent', () => {
    expect(classifyFailure(new PermanentMessageError('SCHEMA_VIOLATION', 'no eventId'))).toEqual({
      permanent: true, code: 'SCHEMA_VIOLATION', message: 'no eventId',
    });
  });

  it('retries infrastructure errors, naming them by their driver code', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(classifyFailure(deadlock)).toEqual({ permanent: false, code: '40P01', message: 'deadlock detected' });
    expect(classifyFailure(new TypeError('x is undefined'))).toEqual({ permanent: false, code: 'TypeError', message: 'x is undefined' });
  });

  it('retries an event that overtook an earlier one of its stream', () => {
    expect(classifyFailure(new OutOfOrderError('account-1', 3, 5))).toMatchObject({ permanent: false, code: 'OUT_OF_ORDER' });
  });

  it('retries whatever else was thrown', () => {
    expect(classifyFailure('boom')).toEqual({ permanent: false, code: 'HANDLER_ERROR', message: 'boom' });
  });
});
