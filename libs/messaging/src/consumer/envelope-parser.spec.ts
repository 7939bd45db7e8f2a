import { parseEnvelope } from './envelope-parser';

const ACCOUNT_ID = '9b2f7c1e-1111-4222-8333-444455556666';
const envelope = (overrides: Record<string, unknown> = {}) => ({
  eventId: '6f1c1d4e-9a53-4f57-9a43-0d6f3f0a1b2c',
  type: 'LimitUpdated',
  schemaVersion: 1,
  streamId: 'account-1',
  streamVersion: 2,
  globalPosition: '42',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { id: ACCOUNT_ID, newLimit: 10, oldLimit: 5 },
  metadata: { correlationId: 'c' },
  ...overrides,
});
const buffer = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));

describe('parseEnvelope', () => {
  it('accepts the contract envelope for a catalogued type', () => {
    expect(parseEnvelope(buffer(envelope()), 'account')).toEqual(envelope());
  });

  it('rejects a body that is not JSON as MALFORMED_JSON', () => {
    expect(() => parseEnvelope(buffer('{"eventId":'), 'account')).toThrow(expect.objectContaining({ code: 'MALFORMED_JSON' }));
  });

  it('rejects JSON that is not an object as a schema violation', () => {
    expect(() => parseEnvelope(buffer([1, 2]), 'account')).toThrow(expect.objectContaining({ code: 'SCHEMA_VIOLATION' }));
  });

  it('names every missing or mistyped field', () => {
    const broken = envelope({ eventId: '', streamVersion: -1, globalPosition: 42, occurredAt: 'yesterday', data: 'x' });
    expect(() => parseEnvelope(buffer(broken), 'account')).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_VIOLATION',
        message: 'invalid or missing envelope fields: eventId, streamVersion, globalPosition, occurredAt, data',
      }),
    );
  });

  it('holds producer and consumer to one rule: an id the contract says is a UUID must be one (schema kit)', () => {
    expect(() => parseEnvelope(buffer(envelope({ data: { id: 'account-1', newLimit: 10, oldLimit: 5 } })), 'account')).toThrow(
      expect.objectContaining({ code: 'SCHEMA_VIOLATION', message: expect.stringContaining('data/id must match pattern') }),
    );
  });

  it('rejects a type its producer does not publish', () => {
    expect(() => parseEnvelope(buffer(envelope({ type: 'MerchantSuspended' })), 'account')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TYPE' }),
    );
  });

  it('accepts the rebuild control message from any producer', () => {
    const rebuild = envelope({ type: '$rebuild', streamId: '$subscription-q', streamVersion: 0, data: { queue: 'q' } });
    expect(parseEnvelope(buffer(rebuild), 'merchant')).toMatchObject({ type: '$rebuild' });
  });

  it('checks the data against its version’s schema, and refuses a version newer than this consumer knows', () => {
    expect(() => parseEnvelope(buffer(envelope({ data: { id: ACCOUNT_ID, newLimit: 'ten', oldLimit: 5 } })), 'account')).toThrow(
      expect.objectContaining({ code: 'SCHEMA_VIOLATION', message: expect.stringContaining('data/newLimit must be integer') }),
    );
    expect(() => parseEnvelope(buffer(envelope({ schemaVersion: 2 })), 'account')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_SCHEMA_VERSION' }),
    );
  });
});
