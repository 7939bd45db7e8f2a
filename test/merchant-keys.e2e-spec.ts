import { TestPlatform, ServiceInstance, eventually } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Answer, bodyOf, send } from './support/http';

/** The stated bound: a revocation or suspension is refused by every verifier within this (one poll of 1 s plus one answer). */
const REVOCATION_BOUND_MS = 3_000;
/** Short-lived service credentials, so that renewal happens several times within the spec. */
const SERVICE_CREDENTIAL_TTL_SECONDS = 3;

interface Key {
  id: string;
  prefix: string;
  state: string;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** Merchant keys' lifecycle and limits, on Merchant and on two Checkout instances (docs: issue 25, points 3 and 5). */
describe('merchant keys: list, mint, roll, revoke, suspension, limits', () => {
  let platform: TestPlatform;
  let second: ServiceInstance;
  let startedAt: number;
  const delays: Record<string, number> = {};

  beforeAll(async () => {
    platform = await TestPlatform.start(['merchant', 'checkout'], {
      SERVICE_CREDENTIAL_TTL_SECONDS: String(SERVICE_CREDENTIAL_TTL_SECONDS),
    });
    second = await platform.startInstance('checkout');
    startedAt = Date.now();
  });

  afterAll(async () => {
    if (Object.keys(delays).length > 0) process.stdout.write(`merchant-keys delays (ms): ${JSON.stringify(delays)}\n`);
    await platform?.stop();
  });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const merchant = (method: string, path: string, body?: unknown, key?: string) =>
    send(platform.url('merchant'), method, path, body, key ? bearer(key) : {});
  /** A checkout route any merchant key may call: 404 for an unknown checkout once the key is admitted, 401 when refused. */
  const readCheckout = (url: string, key: string) => send(url, 'GET', `/checkouts/${randomUUID()}`, undefined, bearer(key));
  const admitted = async (url: string, key: string) => (await readCheckout(url, key)).status === 404;
  const refused = async (url: string, key: string) => (await readCheckout(url, key)).status === 401;

  const onboard = async () =>
    bodyOf<{ id: string; apiKey: string }>(
      await merchant('POST', '/merchants', {
        name: 'Babbage Engines',
        country: 'GB',
        bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
      }),
      201,
    );
  const mint = async (merchantId: string) => bodyOf<Key & { apiKey: string }>(await merchant('POST', `/merchants/${merchantId}/keys`), 201);
  const list = async (merchantId: string, key?: string) =>
    bodyOf<{ items: Key[] }>(await merchant('GET', `/merchants/${merchantId}/keys`, undefined, key), 200).items;

  /** How long after `since` the key is refused everywhere that verifies keys, each within the bound. */
  async function refusedEverywhere(name: string, key: string, since: number, merchantId: string): Promise<void> {
    await Promise.all([
      ...[platform.url('checkout'), second.url].map(async (url, index) => {
        await eventually(() => refused(url, key), REVOCATION_BOUND_MS, 20);
        delays[`${name} checkout#${index + 1}`] = Date.now() - since;
      }),
      (async () => {
        await eventually(
          async () => (await merchant('GET', `/merchants/${merchantId}/keys`, undefined, key)).status === 401,
          REVOCATION_BOUND_MS,
          20,
        );
        delays[`${name} merchant`] = Date.now() - since;
      })(),
    ]);
  }

  it('gives a key a prefix and an id, lists keys without any secret, and lets a merchant mint its own', async () => {
    const { id, apiKey } = await onboard();
    const [first] = await list(id, apiKey);
    expect(apiKey.startsWith(`${first.prefix}_`)).toBe(true);
    expect(first.prefix).toBe(`mk_${first.id}`);
    expect(Object.keys(first).sort()).toEqual(['createdAt', 'id', 'prefix', 'state']);
    expect(first.state).toBe('active');

    const minted = bodyOf<Key & { apiKey: string }>(await merchant('POST', `/merchants/${id}/keys`, undefined, apiKey), 201);
    expect(minted.apiKey.startsWith(`mk_${minted.id}_`)).toBe(true);
    await eventually(() => admitted(second.url, minted.apiKey), REVOCATION_BOUND_MS);

    const listed = await list(id, minted.apiKey);
    expect(listed.map((key) => key.id)).toEqual([first.id, minted.id]);
    // The signed token follows the prefix; it may itself contain `_` (base64url).
    const secrets = [
      { key: apiKey, prefix: first.prefix },
      { key: minted.apiKey, prefix: `mk_${minted.id}` },
    ].map(({ key, prefix }) => key.slice(prefix.length + 1));
    const text = JSON.stringify(await merchant('GET', `/merchants/${id}/keys`));
    for (const secret of [...secrets, ...secrets.map((s) => s.split('.')[2])]) expect(text).not.toContain(secret);
  });

  it("answers 404 for a key id the merchant does not have, even another merchant's, and 403 for another merchant's keys", async () => {
    const mine = await onboard();
    const theirs = await onboard();
    const [theirKey] = await list(theirs.id);
    const foreignOrUnknown = [theirKey.id, 'ffffffffffffffff', 'not-a-key-id'];
    for (const keyId of foreignOrUnknown) {
      for (const call of [
        () => merchant('DELETE', `/merchants/${mine.id}/keys/${keyId}`, undefined, mine.apiKey),
        () => merchant('POST', `/merchants/${mine.id}/keys/${keyId}/roll`, { expiresInHours: 1 }, mine.apiKey),
        () => merchant('DELETE', `/merchants/${mine.id}/keys/${keyId}`),
      ]) {
        const answer = await call();
        expect({ keyId, status: answer.status, code: answer.body.code }).toEqual({ keyId, status: 404, code: 'KEY_NOT_FOUND' });
      }
    }
    expect((await merchant('GET', `/merchants/${theirs.id}/keys`, undefined, mine.apiKey)).status).toBe(403);
    expect((await merchant('DELETE', `/merchants/${theirs.id}/keys/${theirKey.id}`, undefined, mine.apiKey)).status).toBe(403);
    expect((await merchant('GET', `/merchants/${randomUUID()}/keys`)).body.code).toBe('MERCHANT_NOT_FOUND');
    expect((await list(theirs.id))[0]).toMatchObject({ state: 'active' });
  });

  it(`refuses a revoked key on every instance of Checkout and on Merchant within ${REVOCATION_BOUND_MS} ms`, async () => {
    const { id, apiKey } = await onboard();
    const doomed = await mint(id);
    await eventually(() => admitted(second.url, doomed.apiKey), REVOCATION_BOUND_MS);
    const revokedAt = Date.now();
    expect(bodyOf<Key>(await merchant('DELETE', `/merchants/${id}/keys/${doomed.id}`, undefined, apiKey), 200)).toMatchObject({
      state: 'revoked',
    });
    await refusedEverywhere('revoked', doomed.apiKey, revokedAt, id);
    expect(await admitted(second.url, apiKey)).toBe(true);
  });

  it(`refuses a suspended merchant's keys on every instance within ${REVOCATION_BOUND_MS} ms, and admits them again once reinstated`, async () => {
    const { id, apiKey } = await onboard();
    await eventually(() => admitted(second.url, apiKey), REVOCATION_BOUND_MS);
    const suspendedAt = Date.now();
    bodyOf(await merchant('POST', `/merchants/${id}/suspend`, { reason: 'chargebacks' }), 200);
    await refusedEverywhere('suspended', apiKey, suspendedAt, id);
    bodyOf(await merchant('POST', `/merchants/${id}/reinstate`), 200);
    await eventually(() => admitted(second.url, apiKey), REVOCATION_BOUND_MS);
  });

  it('rolls a key: the successor works at once, the old key until its end and not after', async () => {
    const { id, apiKey } = await onboard();
    const [old] = await list(id);
    const rolledAt = Date.now();
    const answer = bodyOf<{ key: Key & { apiKey: string }; rolled: Key }>(
      await merchant('POST', `/merchants/${id}/keys/${old.id}/roll`, { expiresInHours: 4 / 3_600 }, apiKey),
      201,
    );
    const end = Date.parse(answer.rolled.expiresAt!);
    expect(end - rolledAt).toBeGreaterThanOrEqual(3_000);
    expect(answer.rolled).toMatchObject({ id: old.id, state: 'expiring' });
    expect(answer.rolled.revokedAt).toBeUndefined();
    await eventually(() => admitted(second.url, answer.key.apiKey), REVOCATION_BOUND_MS);
    // Until a second before its end, the old key works everywhere. This loop spends the key's quota:
    // a 429 is an admitted key too (the limit counts only keys the guard let through), a refused one is 401.
    while (Date.now() < end - 1_000) {
      for (const url of [platform.url('checkout'), second.url]) expect([404, 429]).toContain((await readCheckout(url, apiKey)).status);
    }
    await eventually(() => refused(second.url, apiKey), end - Date.now() + REVOCATION_BOUND_MS, 20);
    delays['rolled, after its end'] = Date.now() - end;
    expect(await admitted(second.url, answer.key.apiKey)).toBe(true);
    expect((await list(id)).find((key) => key.id === old.id)).toMatchObject({ state: 'expired' });
  });

  it('renews its own service credential before it expires, without a restart: Checkout keeps syncing with Merchant', async () => {
    const { id, apiKey } = await onboard();
    const [key] = await list(id);
    // Only Checkout's sync writes lastUsedAt for uses on Checkout; it fails once Checkout's credential expires unrenewed.
    const beyond = startedAt + 4 * SERVICE_CREDENTIAL_TTL_SECONDS * 1_000;
    await eventually(
      async () => {
        await readCheckout(second.url, apiKey);
        const seen = (await list(id)).find((k) => k.id === key.id)!.lastUsedAt;
        return seen !== undefined && Date.parse(seen) > beyond;
      },
      4 * SERVICE_CREDENTIAL_TTL_SECONDS * 1_000 + 10_000,
      200,
    );
  });

  it('answers 429 with Retry-After and the RateLimit headers once a key spends its quota, counted across instances', async () => {
    const { id, apiKey } = await onboard();
    const defaults = await readCheckout(second.url, apiKey);
    expect(defaults.headers.get('ratelimit-policy')).toBe('"checkouts";q=100;w=10');
    expect(defaults.headers.get('ratelimit')).toMatch(/^"checkouts";r=\d+;t=\d+$/);

    // An hour's window, so that the burst below cannot straddle two windows.
    bodyOf(await merchant('PUT', `/merchants/${id}/request-limit`, { requests: 5, windowSeconds: 3_600 }), 200);
    expect(bodyOf(await merchant('GET', `/merchants/${id}/request-limit`), 200)).toEqual({
      merchantId: id,
      requests: 5,
      windowSeconds: 3_600,
    });
    const probe = await mint(id);
    for (const url of [platform.url('checkout'), second.url])
      await eventually(async () => (await readCheckout(url, probe.apiKey)).headers.get('ratelimit-policy') === '"checkouts";q=5;w=3600');

    const burst = (await mint(id)).apiKey;
    const answers: Answer[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) => readCheckout(i % 2 === 0 ? platform.url('checkout') : second.url, burst)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(5).fill(404), ...Array(7).fill(429)]);
    for (const limited of answers.filter((answer) => answer.status === 429)) {
      expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('ratelimit-policy')).toBe('"checkouts";q=5;w=3600');
      expect(limited.headers.get('ratelimit')).toMatch(/^"checkouts";r=0;t=\d+$/);
    }
    // Another key of the same merchant has its own quota.
    expect((await readCheckout(second.url, (await mint(id)).apiKey)).status).toBe(404);
  });

  it('documents the key routes, the limit routes and the 429', async () => {
    const merchantDocs = bodyOf<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(
      await merchant('GET', '/docs-json'),
      200,
    );
    const keyRoutes = merchantDocs.paths['/merchants/{id}/keys/{keyId}'];
    expect(Object.keys(merchantDocs.paths['/merchants/{id}/keys']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(keyRoutes.delete.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
    expect(Object.keys(merchantDocs.paths['/merchants/{id}/keys/{keyId}/roll'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '404', '409']),
    );
    expect(Object.keys(merchantDocs.paths['/merchants/{id}/request-limit']).sort()).toEqual(['delete', 'get', 'put']);
    const checkoutDocs = bodyOf<{ paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>> }>(
      await send(platform.url('checkout'), 'GET', '/docs-json'),
      200,
    );
    for (const operation of [checkoutDocs.paths['/checkouts'].post, checkoutDocs.paths['/checkouts/{id}'].get]) {
      expect(Object.keys(operation.responses['429'].headers ?? {}).sort()).toEqual(['RateLimit', 'RateLimit-Policy', 'Retry-After']);
      expect(Object.keys(operation.responses['200'].headers ?? {})).toEqual(expect.arrayContaining(['RateLimit', 'RateLimit-Policy']));
    }
  });
});
