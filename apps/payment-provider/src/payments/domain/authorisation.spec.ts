import { DomainError } from '@app/domain';
import { authorise, capture, fingerprintOf, voidAuthorisation } from './authorisation';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:01:00.000Z';
const T2 = '2025-01-01T00:02:00.000Z';
const authorised = authorise({ amount: 1999, currency: 'EUR', reference: 'order-1' }, 'auth-1', T0);

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? `${error.kind}:${error.code}` : 'not a DomainError';
  }
  return undefined;
};

describe('authorisation', () => {
  it('starts authorised with the requested amount', () => {
    expect(authorised).toEqual({
      authorisationId: 'auth-1',
      status: 'authorised',
      amount: 1999,
      currency: 'EUR',
      reference: 'order-1',
      authorisedAt: T0,
    });
  });

  it('captures once; capturing again changes nothing', () => {
    const captured = capture(authorised, T1);
    expect(captured).toMatchObject({ status: 'captured', capturedAt: T1 });
    expect(capture(captured, T2)).toBe(captured);
  });

  it('voids once; voiding again changes nothing', () => {
    const voided = voidAuthorisation(authorised, T1);
    expect(voided).toMatchObject({ status: 'voided', voidedAt: T1 });
    expect(voidAuthorisation(voided, T2)).toBe(voided);
  });

  it('refuses to capture a voided authorisation, and to void a captured one', () => {
    expect(codeOf(() => capture(voidAuthorisation(authorised, T1), T2))).toBe('conflict:AUTHORISATION_VOIDED');
    expect(codeOf(() => voidAuthorisation(capture(authorised, T1), T2))).toBe('conflict:AUTHORISATION_CAPTURED');
  });

  it('fingerprints requests by their content only', () => {
    const request = { amount: 1, currency: 'EUR', reference: 'r' };
    expect(fingerprintOf(request)).toBe(fingerprintOf({ reference: 'r', currency: 'EUR', amount: 1 }));
    expect(fingerprintOf(request)).not.toBe(fingerprintOf({ ...request, amount: 2 }));
  });
});
