import { DomainError } from '@app/domain';
import { registrationFor } from './consumer-registration';

const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('registrationFor', () => {
  it('given a queue of this producer, all history and a rate, answers the registration', () => {
    expect(
      registrationFor('account', {
        name: 'bi.account-events',
        eventTypes: ['AccountOpened', 'LimitUpdated'],
        from: '0',
        backfillRatePerSecond: 500,
      }),
    ).toEqual({
      name: 'bi.account-events',
      eventTypes: ['AccountOpened', 'LimitUpdated'],
      from: { kind: 'position', position: 0 },
      backfillRatePerSecond: 500,
    });
  });

  it('given no types (or none listed), subscribes to every type; `now` starts at the head; no rate: full speed', () => {
    expect(registrationFor('account', { name: 'bi.account-events', eventTypes: [], from: 'now' })).toEqual({
      name: 'bi.account-events',
      eventTypes: null,
      from: { kind: 'now' },
      backfillRatePerSecond: null,
    });
  });

  it("refuses a queue name that is not the contract's or not this producer's", () => {
    expect(codeOf(() => registrationFor('account', { name: 'bi.merchant-events', from: 0 }))).toBe('INVALID_QUEUE_NAME');
    expect(codeOf(() => registrationFor('account', { name: 'bi-account', from: 0 }))).toBe('INVALID_QUEUE_NAME');
  });

  it("refuses a platform service as the consumer: its queues are the routing table's", () => {
    expect(codeOf(() => registrationFor('account', { name: 'merchant.account-events', from: 0 }))).toBe('RESERVED_CONSUMER');
  });

  it('refuses a type the producer does not publish, a bad position and a bad rate', () => {
    expect(codeOf(() => registrationFor('account', { name: 'bi.account-events', eventTypes: ['CheckoutStarted'], from: 0 }))).toBe(
      'UNKNOWN_EVENT_TYPE',
    );
    expect(codeOf(() => registrationFor('account', { name: 'bi.account-events', from: 'yesterday' }))).toBe('INVALID_POSITION');
    expect(codeOf(() => registrationFor('account', { name: 'bi.account-events', from: 0, backfillRatePerSecond: 0 }))).toBe('INVALID_RATE');
    expect(codeOf(() => registrationFor('account', { name: 'bi.account-events', from: 0, backfillRatePerSecond: 2.5 }))).toBe(
      'INVALID_RATE',
    );
  });
});
