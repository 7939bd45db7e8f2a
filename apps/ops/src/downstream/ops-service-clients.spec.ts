import { passedOn } from './ops-service-clients';

describe('passedOn', () => {
  it("passes a success on as the service's body", () => {
    expect(passedOn('checkout', { status: 200, body: { status: 'rejected' } })).toEqual({ status: 'rejected' });
  });

  it("keeps a refusal's own status and code", () => {
    expect(() => passedOn('checkout', { status: 409, body: { code: 'CHECKOUT_ALREADY_FINAL', detail: 'final' } })).toThrow(
      expect.objectContaining({ status: 409, code: 'CHECKOUT_ALREADY_FINAL' }),
    );
  });

  it("turns a refused operator token into 502, and a failure into the service's 503", () => {
    expect(() => passedOn('account', { status: 403, body: {} })).toThrow(
      expect.objectContaining({ status: 502, code: 'OPS_TOKEN_REJECTED' }),
    );
    expect(() => passedOn('account', { status: 500, body: {} })).toThrow(expect.objectContaining({ code: 'ACCOUNT_UNAVAILABLE' }));
  });
});
