import { actorOf } from './principal';

describe('actorOf', () => {
  it("names the principal as its credential's subject does", () => {
    expect(actorOf({ kind: 'service', service: 'checkout' })).toBe('service:checkout');
    expect(actorOf({ kind: 'merchant', merchantId: '0b7e4a40-7a8d-4f5e-9a35-5b0f0a0e2c11', keyId: '0123456789abcdef' })).toBe(
      'merchant:0b7e4a40-7a8d-4f5e-9a35-5b0f0a0e2c11',
    );
    expect(actorOf({ kind: 'operator', name: 'ada', role: 'operator' })).toBe('operator:ada');
  });
});
