import { BOOTSTRAP_ADMIN, CredentialVerifier, matchesAnySecret, newSigningKey, operatorTokensOf, signCredential } from './credentials';
import type { JWK } from 'jose';

const publicOf = ({ d: _private, ...rest }: JWK): JWK => rest;
const merchantId = '5d0c6b8e-9a3f-4c1e-8b7d-2f4a6c8e0b1d';

describe('credentials', () => {
  it('accepts every operator token of a rotation, compared in constant time, and nothing else', async () => {
    expect(operatorTokensOf(' new-token , old-token ,')).toEqual(['new-token', 'old-token']);
    expect(matchesAnySecret('old-token', ['new-token', 'old-token'])).toBe(true);
    expect(matchesAnySecret('old-toke', ['new-token', 'old-token'])).toBe(false);
    const verifier = new CredentialVerifier(['new-token', 'old-token']);
    expect(await verifier.verify('new-token')).toEqual(BOOTSTRAP_ADMIN);
    expect(await verifier.verify('old-token')).toEqual(BOOTSTRAP_ADMIN);
    expect(await verifier.verify('other')).toBeUndefined();
    expect(await new CredentialVerifier([]).verify('')).toBeUndefined();
  });

  it('accepts credentials of both keys during a rotation, and none of a retired key', async () => {
    const old = await newSigningKey('service');
    const current = await newSigningKey('service');
    const during = new CredentialVerifier([], { keys: [old.publicJwk, current.publicJwk] });
    const fromOld = await signCredential(old.privateJwk, 'service:checkout');
    const fromCurrent = await signCredential(current.privateJwk, 'service:checkout');
    expect(await during.verify(fromOld)).toEqual({ kind: 'service', service: 'checkout' });
    expect(await during.verify(fromCurrent)).toEqual({ kind: 'service', service: 'checkout' });
    const after = new CredentialVerifier([], { keys: [current.publicJwk] });
    expect(await after.verify(fromOld)).toBeUndefined();
    expect(await after.verify(fromCurrent)).toEqual({ kind: 'service', service: 'checkout' });
  });

  it('lets a key vouch only for its own kind of subject, and refuses tampered or foreign tokens', async () => {
    const service = await newSigningKey('service');
    const merchant = await newSigningKey('merchant');
    const stranger = await newSigningKey('service');
    const verifier = new CredentialVerifier([], { keys: [service.publicJwk, publicOf(merchant.privateJwk)] });
    expect(await verifier.verify(await signCredential(merchant.privateJwk, `merchant:${merchantId}`))).toEqual({
      kind: 'merchant',
      merchantId,
    });
    // Merchant's key (which the Merchant service holds) cannot mint a service credential, nor the other way round.
    expect(await verifier.verify(await signCredential(merchant.privateJwk, 'service:account'))).toBeUndefined();
    expect(await verifier.verify(await signCredential(service.privateJwk, `merchant:${merchantId}`))).toBeUndefined();
    expect(await verifier.verify(await signCredential(stranger.privateJwk, 'service:account'))).toBeUndefined();
    const token = await signCredential(service.privateJwk, 'service:fraud');
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'service:checkout' }),
    ).toString('base64url');
    expect(await verifier.verify(`${header}.${forged}.${signature}`)).toBeUndefined();
  });
});
