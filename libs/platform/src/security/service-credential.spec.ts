import { CredentialVerifier, newSigningKey } from './credentials';
import { mintServiceCredential, ownServiceKey, ServiceCredential } from './service-credential';
import type { JWK } from 'jose';

const publicOf = ({ d: _private, ...rest }: JWK): JWK => rest;
const expOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp;

describe('service credentials', () => {
  it('derives each service’s own key from the service key, the same every time, good for that service alone', async () => {
    const { privateJwk } = await newSigningKey('service');
    const own = ownServiceKey(privateJwk, 'checkout');
    expect(ownServiceKey(privateJwk, 'checkout')).toEqual(own);
    expect(ownServiceKey(privateJwk, 'fraud').x).not.toBe(own.x);
    expect(own.kid).toBe(`service.checkout-${privateJwk.kid!.split('-')[1]}`);
    const verifier = new CredentialVerifier([], { keys: [publicOf(own)] });
    expect(await verifier.verify(mintServiceCredential(own, 'checkout', 60))).toEqual({ kind: 'service', service: 'checkout' });
    expect(await verifier.verify(mintServiceCredential(own, 'account', 60))).toBeUndefined();
  });

  it('expires, and is renewed on the first use after two thirds of its lifetime, without a restart', async () => {
    const own = ownServiceKey((await newSigningKey('service')).privateJwk, 'checkout');
    const verifier = new CredentialVerifier([], { keys: [publicOf(own)] });
    let now = Date.now();
    const credential = new ServiceCredential('checkout', own, undefined, 90, () => now);
    const first = credential.current()!;
    expect(expOf(first)).toBe(Math.floor(now / 1000) + 90);
    now += 59_000;
    expect(credential.current()).toBe(first);
    now += 1_000;
    const renewed = credential.current()!;
    expect(renewed).not.toBe(first);
    expect(expOf(renewed)).toBeGreaterThan(expOf(first));
    expect(await verifier.verify(first, now + 31_000)).toBeUndefined();
    expect(await verifier.verify(renewed, now + 31_000)).toEqual({ kind: 'service', service: 'checkout' });
  });

  it('falls back to a fixed SERVICE_TOKEN without a signing key', () => {
    expect(ServiceCredential.fromEnv('checkout', { SERVICE_TOKEN: 'fixed' }).current()).toBe('fixed');
    expect(ServiceCredential.fromEnv('checkout', {}).current()).toBeUndefined();
  });
});
