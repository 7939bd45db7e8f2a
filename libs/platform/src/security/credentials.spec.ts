import { BOOTSTRAP_ADMIN, CredentialVerifier, matchesAnySecret, newSigningKey, operatorTokensOf, signCredential } from './credentials';
import { formatMerchantKey, legacyMerchantKeyId, newMerchantKeyId } from './merchant-key-format';
import { MerchantKeyStatus } from './merchant-key-status';
import { mintOperatorCredential, OperatorCredentials } from './operator-credential';
import { ownServiceKey, signWithOwnKey } from './service-credential';
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
    const legacy = await signCredential(merchant.privateJwk, `merchant:${merchantId}`);
    expect(await verifier.verify(legacy)).toEqual({ kind: 'merchant', merchantId, keyId: legacyMerchantKeyId(legacy) });
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

  it('reads a merchant key’s id from its prefix, and only when its signed token names the same id', async () => {
    const merchant = await newSigningKey('merchant');
    const service = await newSigningKey('service');
    const verifier = new CredentialVerifier([], { keys: [merchant.publicJwk, service.publicJwk] });
    const keyId = newMerchantKeyId();
    const key = formatMerchantKey(keyId, await signCredential(merchant.privateJwk, `merchant:${merchantId}`, { id: keyId }));
    expect(await verifier.verify(key)).toEqual({ kind: 'merchant', merchantId, keyId });
    const other = newMerchantKeyId();
    expect(await verifier.verify(formatMerchantKey(other, key.slice(`mk_${keyId}_`.length)))).toBeUndefined();
    const serviceToken = await signCredential(service.privateJwk, 'service:checkout', { id: keyId });
    expect(await verifier.verify(formatMerchantKey(keyId, serviceToken))).toBeUndefined();
  });

  it('refuses a merchant key that Merchant’s status ends or whose merchant is suspended, and any before the status arrived', async () => {
    const merchant = await newSigningKey('merchant');
    const status = new MerchantKeyStatus();
    status.enforced = true;
    const verifier = new CredentialVerifier([], { keys: [merchant.publicJwk] }, status);
    const keyOf = async (keyId: string) =>
      formatMerchantKey(keyId, await signCredential(merchant.privateJwk, `merchant:${merchantId}`, { id: keyId }));
    const [kept, rolled, revoked] = [newMerchantKeyId(), newMerchantKeyId(), newMerchantKeyId()];
    const now = Date.now();
    expect(await verifier.verify(await keyOf(kept), now)).toBeUndefined();

    const ending = [
      { keyId: rolled, notAfter: new Date(now + 60_000).toISOString() },
      { keyId: revoked, notAfter: new Date(now - 1).toISOString() },
    ];
    status.apply({ endingKeys: ending, suspendedMerchants: [], limits: [] }, now);
    expect(await verifier.verify(await keyOf(kept), now)).toMatchObject({ keyId: kept });
    expect(await verifier.verify(await keyOf(rolled), now)).toMatchObject({ keyId: rolled });
    expect(await verifier.verify(await keyOf(rolled), now + 60_000)).toBeUndefined();
    expect(await verifier.verify(await keyOf(revoked), now)).toBeUndefined();
    expect(
      status
        .takeUsage()
        .map((use) => use.keyId)
        .sort(),
    ).toEqual([kept, rolled].sort());

    status.apply({ endingKeys: ending, suspendedMerchants: [merchantId], limits: [] }, now);
    expect(await verifier.verify(await keyOf(kept), now)).toBeUndefined();
  });

  it('remembers a verified credential no longer than its exp', async () => {
    const own = await newSigningKey('service.checkout');
    const verifier = new CredentialVerifier([], { keys: [own.publicJwk] });
    const token = await signCredential(own.privateJwk, 'service:checkout', { lifetimeSeconds: 60 });
    const now = Date.now();
    expect(await verifier.verify(token, now)).toEqual({ kind: 'service', service: 'checkout' });
    expect(await verifier.verify(token, now + 61_000)).toBeUndefined();
  });

  it('lets a service’s own key vouch for that service alone', async () => {
    const own = await newSigningKey('service.payment-provider');
    const verifier = new CredentialVerifier([], { keys: [own.publicJwk] });
    expect(await verifier.verify(await signCredential(own.privateJwk, 'service:payment-provider'))).toEqual({
      kind: 'service',
      service: 'payment-provider',
    });
    expect(await verifier.verify(await signCredential(own.privateJwk, 'service:checkout'))).toBeUndefined();
    expect(await verifier.verify(await signCredential(own.privateJwk, `merchant:${merchantId}`))).toBeUndefined();
  });

  it('takes the operator Ops names in a credential signed with its own key, and from no other key', async () => {
    const service = await newSigningKey('service');
    const [ops, checkout] = [ownServiceKey(service.privateJwk, 'ops'), ownServiceKey(service.privateJwk, 'checkout')];
    const verifier = new CredentialVerifier([], { keys: [service.publicJwk, publicOf(ops), publicOf(checkout)] });
    const ada = { name: 'ada', role: 'operator' } as const;
    expect(await verifier.verify(mintOperatorCredential(ops, ada, 60))).toEqual({ kind: 'operator', ...ada });
    // Another service's own key, or the provisioning's service key, cannot name an operator.
    expect(await verifier.verify(mintOperatorCredential(checkout, ada, 60))).toBeUndefined();
    expect(await verifier.verify(await signCredential(service.privateJwk, 'operator:ada'))).toBeUndefined();
    // Nor can Ops itself without a role, with a role that is none, for a name that is not plain, or for ever.
    expect(await verifier.verify(signWithOwnKey(ops, { sub: 'operator:ada' }, 60))).toBeUndefined();
    expect(await verifier.verify(signWithOwnKey(ops, { sub: 'operator:ada', role: 'root' }, 60))).toBeUndefined();
    expect(await verifier.verify(signWithOwnKey(ops, { sub: 'operator:Ada Lovelace', role: 'admin' }, 60))).toBeUndefined();
    expect(await verifier.verify(await signCredential(ops, 'operator:ada'))).toBeUndefined();
    const now = Date.now();
    expect(await verifier.verify(mintOperatorCredential(ops, ada, 60, now), now + 61_000)).toBeUndefined();
  });

  it('renews an operator credential at two thirds of its life, one per operator and role; none without a key', async () => {
    expect(new OperatorCredentials(undefined).of({ name: 'ada', role: 'admin' })).toBeUndefined();
    let now = 1_000_000;
    const { privateJwk } = await newSigningKey('service');
    const signing = new OperatorCredentials(ownServiceKey(privateJwk, 'ops'), 60, () => now);
    const first = signing.of({ name: 'ada', role: 'admin' });
    expect(signing.of({ name: 'ada', role: 'admin' })).toBe(first);
    expect(signing.of({ name: 'ada', role: 'viewer' })).not.toBe(first);
    now += 40_000;
    expect(signing.of({ name: 'ada', role: 'admin' })).not.toBe(first);
  });
});
