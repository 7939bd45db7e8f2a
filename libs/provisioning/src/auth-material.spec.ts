import { BOOTSTRAP_ADMIN, CredentialVerifier, mintServiceCredential, operatorTokensOf, parsePublicKeys } from '@app/platform';
import { authSettings, ensureAuthKeys, retireOldKeys, rotateAuthKeys } from './auth-material';

const verifierOf = (settings: Record<string, string>) =>
  new CredentialVerifier(operatorTokensOf(settings.OPS_TOKEN), parsePublicKeys(settings.AUTH_PUBLIC_KEYS));
/** The credential a checkout process started with `settings` would send. */
const checkoutTokenOf = (settings: Record<string, string>) =>
  mintServiceCredential(JSON.parse(settings.SERVICE_SIGNING_KEY), 'checkout', 60);

describe('auth material: a key rotation without downtime', () => {
  it('keeps the old credentials valid while the new ones take over, and only the new ones after retiring', async () => {
    const before = await ensureAuthKeys();
    const oldSettings = (await authSettings(before, ['checkout'])).get('checkout')!;
    const old = { ...oldSettings, SERVICE_TOKEN: checkoutTokenOf(oldSettings) };
    const rotating = await rotateAuthKeys(before);
    const during = await authSettings(rotating, ['checkout', 'merchant']);
    const fresh = { ...during.get('checkout')!, SERVICE_TOKEN: checkoutTokenOf(during.get('checkout')!) };
    expect(fresh.SERVICE_TOKEN).not.toBe(old.SERVICE_TOKEN);
    // A service restarted with the new settings still accepts callers that have not restarted yet, and vice versa.
    expect(await verifierOf(fresh).verify(old.SERVICE_TOKEN)).toEqual({ kind: 'service', service: 'checkout' });
    expect(await verifierOf(old).verify(fresh.SERVICE_TOKEN)).toBeUndefined();
    expect(await verifierOf(fresh).verify(before.opsTokens[0])).toEqual(BOOTSTRAP_ADMIN);
    expect(await verifierOf(fresh).verify(rotating.opsTokens[0])).toEqual(BOOTSTRAP_ADMIN);
    expect(JSON.parse(during.get('merchant')!.MERCHANT_KEY_SIGNING_KEY).kid).toBe(rotating.merchant[1].kid);
    expect(during.get('checkout')!.MERCHANT_KEY_SIGNING_KEY).toBeUndefined();

    const afterSettings = (await authSettings(retireOldKeys(rotating), ['checkout'])).get('checkout')!;
    const after = { ...afterSettings, SERVICE_TOKEN: checkoutTokenOf(afterSettings) };
    expect(await verifierOf(after).verify(old.SERVICE_TOKEN)).toBeUndefined();
    expect(await verifierOf(after).verify(before.opsTokens[0])).toBeUndefined();
    expect(await verifierOf(after).verify(after.SERVICE_TOKEN)).toEqual({ kind: 'service', service: 'checkout' });
    expect(await verifierOf(after).verify(rotating.opsTokens[0])).toEqual(BOOTSTRAP_ADMIN);
  });

  it('keeps the keys of an earlier run, and an operator token chosen with OPS_TOKEN', async () => {
    const first = await ensureAuthKeys();
    expect(await ensureAuthKeys(first)).toEqual(first);
    expect((await ensureAuthKeys(first, 'chosen')).opsTokens).toEqual(['chosen']);
    const published = JSON.parse((await authSettings(first, ['account'])).get('account')!.AUTH_PUBLIC_KEYS) as {
      keys: Record<string, unknown>[];
    };
    // The service key, Merchant's key, and each service's own key derived from the service key.
    expect(published.keys).toHaveLength(2 + 6);
    // Public halves only: no service can sign anything with what every service is given.
    for (const key of published.keys) expect(key.d).toBeUndefined();
  });
});
