import { TestPlatform, eventually } from '@app/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { legacyCheckoutIdFor } from '../apps/checkout/src/checkouts/merchant-view/checkout-id';
import { UrlOf, checkoutBody, openAccount, purchasesOf } from './support/checkout-fixtures';
import { closeConnections, send } from './support/http';

const run = promisify(execFile);
const bin = (name: string) => join(__dirname, '..', 'node_modules', '.bin', name);

interface Shop {
  id: string;
  apiKey: string;
}

/** What a merchant's shop sees of Checkout, calling it with its own API key. */
describe('Merchants: checkouts per merchant, a minimal view and a list', () => {
  let platform: TestPlatform;
  let urlOf: UrlOf;
  let shopA: Shop;
  let shopB: Shop;

  const onboard = async (): Promise<Shop> => {
    const answer = await send(urlOf('merchant'), 'POST', '/merchants', {
      name: 'Babbage Gears Ltd',
      country: 'GB',
      bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' },
    });
    expect(answer.status).toBe(201);
    return answer.body as Shop;
  };
  const as = (shop: Shop) => ({ authorization: `Bearer ${shop.apiKey}` });
  const checkout = (shop: Shop, key: string, body: unknown) =>
    send(urlOf('checkout'), 'POST', '/checkouts', body, { ...as(shop), 'idempotency-key': key });
  const read = (shop: Shop, path: string) => send(urlOf('checkout'), 'GET', path, undefined, as(shop));

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], {
      FRAUD_VELOCITY_MAX_PER_MINUTE: '3',
    });
    urlOf = (service) => platform.url(service);
    [shopA, shopB] = [await onboard(), await onboard()];
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
  });

  it('gives two merchants sending one key two checkouts; a replay answers the first result; another body is 409', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const key = `order-${randomUUID().slice(0, 8)}`;

    const a = await checkout(shopA, key, checkoutBody(accountId, shopA.id, 1_000));
    const b = await checkout(shopB, key, checkoutBody(accountId, shopB.id, 2_000));
    expect([a.status, a.body.status, b.status, b.body.status]).toEqual([200, 'completed', 200, 'completed']);
    expect(a.body.checkoutId).not.toBe(b.body.checkoutId);

    const replay = await checkout(shopA, key, checkoutBody(accountId, shopA.id, 1_000));
    expect([replay.status, replay.body]).toEqual([200, a.body]);
    const reused = await checkout(shopA, key, checkoutBody(accountId, shopA.id, 1_001));
    expect([reused.status, reused.contentType, reused.body.code]).toEqual([409, 'application/problem+json', 'IDEMPOTENCY_KEY_REUSED']);

    expect((await purchasesOf(urlOf, accountId)).charged.sort()).toEqual([a.body.checkoutId, b.body.checkoutId].sort());
    expect((await read(shopA, `/checkouts/${a.body.checkoutId}`)).body).toMatchObject({ id: a.body.checkoutId, total: 1_000 });
    const foreign = await read(shopB, `/checkouts/${a.body.checkoutId}`);
    expect([foreign.status, foreign.contentType, foreign.body.code]).toEqual([404, 'application/problem+json', 'CHECKOUT_NOT_FOUND']);
    expect((await read(shopB, `/checkouts/${randomUUID()}`)).body.code).toBe('CHECKOUT_NOT_FOUND');
  });

  it('keeps the id of a checkout made before keys were per merchant: its merchant’s replay finds it', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const key = `legacy-${randomUUID()}`;
    const legacyId = legacyCheckoutIdFor(key);
    const body = checkoutBody(accountId, shopA.id, 700);
    const made = await checkout(shopA, key, body);
    expect(made.body.status).toBe('completed');

    // Turn the database back to before the change, with this checkout as the old code wrote it: under the id
    // derived from the key alone. Then the new version starts and runs its migration over it.
    await platform.stopService('checkout');
    await asCheckoutDatabase(async (db) => {
      await db.query('DROP TRIGGER merchant_checkouts_follow_events ON checkout.events');
      await db.query('DROP FUNCTION checkout.merchant_checkouts_follow_events()');
      await db.query('DROP TABLE checkout.merchant_checkouts');
      await db.query(`DELETE FROM checkout.migrations WHERE name = 'CheckoutMerchantView1764000000600'`);
      await db.query(`DELETE FROM checkout.snapshots WHERE stream_id = $1`, [`checkout-${made.body.checkoutId}`]);
      await db.query(
        `UPDATE checkout.events SET stream_id = $2, data = jsonb_set(data, '{checkoutId}', to_jsonb($3::text)) WHERE stream_id = $1`,
        [`checkout-${made.body.checkoutId}`, `checkout-${legacyId}`, legacyId],
      );
    });
    await platform.startService('checkout');

    const replay = await checkout(shopA, key, body);
    expect([replay.status, replay.body]).toEqual([200, { ...made.body, checkoutId: legacyId }]);
    expect((await read(shopA, `/checkouts/${legacyId}`)).body).toMatchObject({ id: legacyId, status: 'completed', total: 700 });
    expect((await checkout(shopA, key, { ...body, currency: 'USD' })).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherShop = await checkout(shopB, key, checkoutBody(accountId, shopB.id, 700));
    expect([otherShop.body.status, otherShop.body.checkoutId === legacyId]).toEqual(['completed', false]);
    expect((await read(shopB, `/checkouts/${legacyId}`)).status).toBe(404);
  });

  it('shows a merchant only the documented fields: no buyer, balance, rule, step or internal error, final or pending', async () => {
    const documented = await documentedFields();
    const internal = (id: string) => send(urlOf('checkout'), 'GET', `/checkouts/${id}/internal`);
    const accountId = await openAccount(urlOf, 100_000);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await checkout(shopA, randomUUID(), checkoutBody(accountId, shopA.id, 1_000))).body);
    const [completed, declined] = [answers[0].checkoutId, answers[3].checkoutId];
    expect((await internal(declined)).body).toMatchObject({ reason: 'FRAUD_REVIEW', details: expect.arrayContaining(['VELOCITY']) });
    // The merchant's own POST answer tells the public code too, never the rule or its details.
    expect(answers[3]).toEqual({ checkoutId: declined, status: 'rejected', total: 1_000, currency: 'EUR', outcome: { code: 'declined' } });
    const seen = [];
    for (const [id, code] of [
      [completed, 'succeeded'],
      [declined, 'declined'],
    ]) {
      seen.push({ id, code, view: (await read(shopA, `/checkouts/${id}`)).body, full: (await internal(id)).body });
    }

    // A pending checkout, read while the provider is still down: its internal view has a last error, the merchant's does not.
    await send(urlOf('payment-provider'), 'PUT', '/test/behaviour', { authorise: { mode: 'down' } });
    try {
      const pending = await checkout(shopA, randomUUID(), checkoutBody(await openAccount(urlOf, 100_000), shopA.id, 1_000));
      expect(pending.status).toBe(202);
      const id = pending.body.checkoutId;
      const full = await eventually(async () => {
        const { body } = await internal(id);
        return body.status === 'pending' && body.lastError && body.nextAttemptAt ? body : undefined;
      }, 30_000);
      const view = (await read(shopA, `/checkouts/${id}`)).body;
      seen.push({ id, code: 'processing', view, full });
      expect(view.outcome).toEqual({ code: 'processing', nextAttemptAt: expect.stringMatching(/^\d{4}-.+Z$/) });
    } finally {
      await send(urlOf('payment-provider'), 'DELETE', '/test/behaviour');
    }

    for (const { id, code, view, full } of seen) {
      expect({ id, code: view.outcome.code }).toEqual({ id, code });
      // Every field is documented, every required one is there, and no field of the internal view leaks beyond them.
      expect(Object.keys(view).filter((field) => !documented.view.has(field))).toEqual([]);
      expect([...documented.required].filter((field) => !(field in view))).toEqual([]);
      expect(Object.keys(view.outcome).filter((field) => !documented.outcome.has(field))).toEqual([]);
      const internalOnly = Object.keys(full).filter((field) => !documented.view.has(field));
      expect(internalOnly).toEqual(expect.arrayContaining(['accountId', 'merchantId', 'steps', 'stage']));
      expect(internalOnly.filter((field) => field in view)).toEqual([]);
      const text = JSON.stringify(view);
      for (const secret of [accountId, 'balance', 'VELOCITY', 'FRAUD', 'lastError', 'steps', full.lastError, full.authorisationId]) {
        if (secret) expect({ id, secret, leaks: text.includes(String(secret)) }).toEqual({ id, secret, leaks: false });
      }
    }
  });

  it('lists a merchant’s own checkouts newest first, page by page, by status and creation time; bad parameters are 400', async () => {
    const shop = await onboard();
    const [rich, poor] = [await openAccount(urlOf, 100_000), await openAccount(urlOf, 100)];
    const made: { id: string; status: string; createdAt: string }[] = [];
    for (const accountId of [rich, poor, rich, poor, rich]) {
      const answer = await checkout(shop, randomUUID(), checkoutBody(accountId, shop.id, 500));
      made.push({
        id: answer.body.checkoutId,
        status: answer.body.status,
        createdAt: (await read(shop, `/checkouts/${answer.body.checkoutId}`)).body.createdAt,
      });
    }
    expect(made.map((m) => m.status)).toEqual(['completed', 'rejected', 'completed', 'rejected', 'completed']);
    const newestFirst = made.map((m) => m.id).reverse();

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await read(shop, `/checkouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.checkouts.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);

    const ids = async (query: string) => (await read(shop, `/checkouts?${query}`)).body.checkouts.map((c: { id: string }) => c.id);
    expect(await ids('status=rejected')).toEqual([made[3].id, made[1].id]);
    expect(await ids(`status=completed&createdFrom=${made[2].createdAt}`)).toEqual([made[4].id, made[2].id]);
    expect(await ids(`createdFrom=${made[1].createdAt}&createdTo=${made[3].createdAt}`)).toEqual([made[2].id, made[1].id]);
    const [first] = (await read(shop, '/checkouts?limit=1')).body.checkouts;
    expect(first).toEqual((await read(shop, `/checkouts/${made[4].id}`)).body);
    expect(await ids('limit=100')).toHaveLength(5);
    expect((await ids('limit=100')).filter((id: string) => !made.some((m) => m.id === id))).toEqual([]);
    expect(
      (await read(shopB, '/checkouts?limit=100')).body.checkouts.filter((c: { id: string }) => made.some((m) => m.id === c.id)),
    ).toEqual([]);

    for (const [query, code] of [
      ['limit=101', 'INVALID_LIMIT'],
      ['limit=0', 'INVALID_LIMIT'],
      ['status=done', 'INVALID_STATUS'],
      ['createdFrom=yesterday', 'INVALID_DATE'],
      [`createdFrom=${made[3].createdAt}&createdTo=${made[1].createdAt}`, 'INVALID_DATE_RANGE'],
      ['cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
    ]) {
      const answer = await read(shop, `/checkouts?${query}`);
      expect({ query, status: answer.status, type: answer.contentType, code: answer.body.code }).toEqual({
        query,
        status: 400,
        type: 'application/problem+json',
        code,
      });
    }
  });

  it('documents the merchant routes with the merchant key, and a client generated from the document compiles against them', async () => {
    const docs = (await send(urlOf('checkout'), 'GET', '/docs-json')).body;
    for (const [path, method] of [
      ['/checkouts', 'post'],
      ['/checkouts', 'get'],
      ['/checkouts/{id}', 'get'],
    ]) {
      expect({ path, method, security: docs.paths[path][method].security }).toEqual({
        path,
        method,
        security: [{ bearer: [] }, { merchantApiKey: [] }],
      });
    }
    expect(docs.paths['/checkouts/{id}/internal'].get.security).toEqual([{ bearer: [] }]);
    expect(docs.components.securitySchemes.merchantApiKey).toMatchObject({ type: 'http', scheme: 'bearer' });

    // As a merchant would: generate the types with openapi-typescript, then compile code using them with tsc.
    const dir = await mkdtemp(join(tmpdir(), 'merchant-client-'));
    try {
      await writeFile(join(dir, 'checkout.json'), JSON.stringify(docs));
      await run(bin('openapi-typescript'), [join(dir, 'checkout.json'), '--output', join(dir, 'checkout.d.ts')]);
      await copyFile(join(__dirname, 'support', 'typed-client', 'merchant-client-use.ts.txt'), join(dir, 'use.ts'));
      const compiled = await run(bin('tsc'), [
        '--noEmit',
        '--strict',
        // Only the merchant's code and the generated types are checked, not every @types package of this repository.
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        join(dir, 'use.ts'),
      ]).then(
        () => 'compiled',
        (error: { stdout: string }) => error.stdout,
      );
      expect(compiled).toBe('compiled');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** The merchant view's fields as Checkout's OpenAPI document states them. */
  async function documentedFields() {
    const docs = (await send(urlOf('checkout'), 'GET', '/docs-json')).body;
    const schemas = docs.components.schemas;
    return {
      view: new Set(Object.keys(schemas.MerchantCheckoutAnswer.properties)),
      required: new Set<string>(schemas.MerchantCheckoutAnswer.required),
      outcome: new Set(Object.keys(schemas.MerchantCheckoutOutcomeAnswer.properties)),
    };
  }

  async function asCheckoutDatabase(work: (db: Client) => Promise<void>): Promise<void> {
    const db = new Client({ connectionString: platform.databaseUrl('checkout') });
    await db.connect();
    try {
      await db.query('BEGIN');
      await work(db);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
  }
});
