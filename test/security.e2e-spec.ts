import { ServiceName } from '@app/contracts';
import { TEST_OPS_TOKEN, TestPlatform, eventually } from '@app/testing';
import { randomUUID } from 'node:crypto';

const SERVICES: ServiceName[] = ['payment-provider', 'account', 'merchant', 'fraud', 'checkout', 'ops'];

/** Personal data and bank details the flow below uses; none may show up in any log line. */
const PERSON = {
  name: 'Grace',
  lastName: 'Hopperington',
  street: '7 Cobol Crescent',
  city: 'Arlingtonshire',
  zip: 'ZX9 8QW',
  phone: '+44 7700 900461',
};
const IBAN = 'GB33BUKB20201555555555';

interface Route {
  service: ServiceName;
  method: string;
  path: string;
}

/** Who calls every service's routes: the operator, a service with its own credential, a merchant with its key, or nobody. */
describe('authenticated callers, and no secrets or personal data in logs', () => {
  let platform: TestPlatform;
  const routes: Route[] = [];
  /** Routes whose document lists the merchant's key as a scheme, as `METHOD service path`. */
  const merchantRoutes = new Set<string>();
  let accountId: string;
  let merchant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };

  const call = async (
    service: ServiceName,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${platform.url(service)}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body ?? {}),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : {} };
  };
  /** `path` with real ids where it names the account or merchant of this spec (`real`), else unknown ones. */
  const concrete = (path: string, real = true) =>
    path
      .replace(
        '{id}',
        real && path.startsWith('/accounts') ? accountId : real && path.startsWith('/merchants') ? merchant.id : randomUUID(),
      )
      .replace(/\{[^}]+\}/g, () => randomUUID());
  const onboard = async () => {
    const answer = await call('merchant', 'POST', '/merchants', TEST_OPS_TOKEN, {
      name: 'Hopper Compilers Ltd',
      country: 'GB',
      bankAccount: { iban: IBAN, bic: 'BUKBGB22' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: expect.any(String), apiKey: expect.any(String) });
    return answer.body as { id: string; apiKey: string };
  };

  beforeAll(async () => {
    platform = await TestPlatform.start(SERVICES, { LOG_LEVEL: 'trace' });
    for (const service of SERVICES) {
      const docs = (await call(service, 'GET', '/docs-json')).body as {
        paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
      };
      for (const [path, operations] of Object.entries(docs.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          routes.push({ service, method: method.toUpperCase(), path });
          if (operation.security?.some((scheme) => 'merchantApiKey' in scheme))
            merchantRoutes.add(`${method.toUpperCase()} ${service} ${path}`);
        }
      }
    }
    const opened = await call('account', 'POST', '/accounts', TEST_OPS_TOKEN, {
      name: PERSON.name,
      lastName: PERSON.lastName,
      country: 'GB',
      address: { street: PERSON.street, city: PERSON.city, zip: PERSON.zip },
      phoneNumber: PERSON.phone,
      limit: 50_000,
      currency: 'EUR',
    });
    expect(opened.status).toBe(201);
    accountId = opened.body.id;
    merchant = await onboard();
    other = await onboard();
  });

  afterAll(async () => platform?.stop());

  it('finds the routes to check in every service’s OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toEqual(
      expect.arrayContaining([
        { service: 'ops', method: 'GET', path: '/audit' },
        { service: 'merchant', method: 'PUT', path: '/merchants/{id}/bank-account' },
        { service: 'payment-provider', method: 'POST', path: '/authorisations' },
      ]),
    );
  });

  it('answers 401 problem+json on every business and ops route without a valid credential, and changes nothing', async () => {
    const before = {
      account: await call('account', 'GET', `/accounts/${accountId}/events`, TEST_OPS_TOKEN),
      merchant: await call('merchant', 'GET', `/merchants/${merchant.id}`, TEST_OPS_TOKEN),
    };
    const refusals = [];
    for (const route of routes) {
      for (const token of [undefined, 'not-a-credential', `${TEST_OPS_TOKEN}x`, `${merchant.apiKey.slice(0, -2)}xx`]) {
        const answer = await call(route.service, route.method, concrete(route.path), token, {
          iban: 'GB94BARC10201530093459',
          bic: 'BARCGB22',
          limit: 1,
        });
        refusals.push({
          ...route,
          token: token ?? 'none',
          status: answer.status,
          problem: answer.type.startsWith('application/problem+json'),
        });
      }
    }
    expect(refusals.filter((r) => r.status !== 401 || !r.problem)).toEqual([]);
    expect(await call('account', 'GET', `/accounts/${accountId}/events`, TEST_OPS_TOKEN)).toEqual(before.account);
    expect(await call('merchant', 'GET', `/merchants/${merchant.id}`, TEST_OPS_TOKEN)).toEqual(before.merchant);
  });

  it('keeps /health, /metrics and /docs public', async () => {
    for (const service of SERVICES) {
      for (const path of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs-json']) {
        expect({ service, path, status: (await fetch(`${platform.url(service)}${path}`)).status }).toEqual({ service, path, status: 200 });
      }
    }
  });

  it('accepts the operator token on every route', async () => {
    const answers = [];
    // Unknown ids: the operator may do anything, and this spec's account and merchant must stay as they are.
    for (const route of routes)
      answers.push({ ...route, status: (await call(route.service, route.method, concrete(route.path, false), TEST_OPS_TOKEN)).status });
    expect(answers.filter((a) => a.status === 401 || a.status === 403 || a.status >= 500)).toEqual([]);
  });

  it('lets a merchant key create, read and list its own checkouts, 404 for another’s, and answers 403 everywhere else', async () => {
    expect([...merchantRoutes].filter((route) => route.includes(' checkout ')).sort()).toEqual([
      'GET checkout /checkouts',
      'GET checkout /checkouts/{id}',
      'POST checkout /checkouts',
    ]);
    // Besides those, a merchant's key may manage the merchant's own keys (merchant-keys.e2e-spec.ts) and
    // webhook endpoints (merchant-webhooks.e2e-spec.ts: another merchant's key is refused).
    expect([...merchantRoutes].filter((route) => route.includes(' merchant ')).sort()).toEqual([
      'DELETE merchant /merchants/{id}/keys/{keyId}',
      'DELETE merchant /merchants/{id}/webhook-endpoints/{endpointId}',
      'GET merchant /merchants/{id}/keys',
      'GET merchant /merchants/{id}/webhook-endpoints',
      'GET merchant /merchants/{id}/webhook-endpoints/{endpointId}',
      'GET merchant /merchants/{id}/webhook-endpoints/{endpointId}/deliveries',
      'POST merchant /merchants/{id}/keys',
      'POST merchant /merchants/{id}/keys/{keyId}/roll',
      'POST merchant /merchants/{id}/webhook-endpoints',
      'POST merchant /merchants/{id}/webhook-endpoints/{endpointId}/deliveries/replay',
      'POST merchant /merchants/{id}/webhook-endpoints/{endpointId}/disable',
      'POST merchant /merchants/{id}/webhook-endpoints/{endpointId}/enable',
      'POST merchant /merchants/{id}/webhook-endpoints/{endpointId}/rotate-secret',
      'POST merchant /merchants/{id}/webhook-endpoints/{endpointId}/test',
    ]);
    const body = { accountId, merchantId: merchant.id, currency: 'EUR', items: [{ sku: 'nanosecond-wire', quantity: 2, unitPrice: 300 }] };
    const created = await call('checkout', 'POST', '/checkouts', merchant.apiKey, body, { 'idempotency-key': randomUUID() });
    expect(created).toMatchObject({ status: 200, body: { status: 'completed', total: 600 } });
    const read = await call('checkout', 'GET', `/checkouts/${created.body.checkoutId}`, merchant.apiKey);
    expect(read).toMatchObject({ status: 200, body: { id: created.body.checkoutId, status: 'completed', total: 600 } });
    const listed = await call('checkout', 'GET', '/checkouts', merchant.apiKey);
    expect(listed).toMatchObject({ status: 200, body: { checkouts: [{ id: created.body.checkoutId }], nextCursor: null } });
    expect((await call('checkout', 'GET', '/checkouts', other.apiKey)).body).toEqual({ checkouts: [], nextCursor: null });
    expect((await call('checkout', 'GET', `/checkouts?merchantId=${merchant.id}`, other.apiKey)).status).toBe(403);

    const foreign = await call('checkout', 'POST', '/checkouts', other.apiKey, body, { 'idempotency-key': randomUUID() });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const peek = await call('checkout', 'GET', `/checkouts/${created.body.checkoutId}`, other.apiKey);
    expect(peek).toMatchObject({ status: 404, body: { code: 'CHECKOUT_NOT_FOUND' } });

    const elsewhere = [];
    for (const route of routes.filter((r) => !merchantRoutes.has(`${r.method} ${r.service} ${r.path}`))) {
      const answer = await call(route.service, route.method, concrete(route.path), merchant.apiKey);
      elsewhere.push({ ...route, status: answer.status, problem: answer.type.startsWith('application/problem+json') });
    }
    expect(elsewhere.filter((r) => r.status !== 403 || !r.problem)).toEqual([]);
  });

  it("lets each service's own credential call only the routes it needs", async () => {
    const checkout = platform.serviceToken('checkout');
    const charge = await call('account', 'POST', `/accounts/${accountId}/transactions`, checkout, {
      transactionId: randomUUID(),
      amount: 100,
      currency: 'EUR',
    });
    expect(charge.status).toBe(201);
    expect((await call('account', 'POST', `/accounts/${accountId}/lock`, checkout)).status).toBe(403);
    expect(
      (await call('merchant', 'PUT', `/merchants/${merchant.id}/bank-account`, checkout, { iban: IBAN, bic: 'BUKBGB22' })).status,
    ).toBe(403);
    expect((await call('account', 'GET', `/accounts/${accountId}`, platform.serviceToken('fraud'))).status).toBe(403);
    expect((await call('account', 'GET', '/subscriptions', platform.serviceToken('ops'))).status).toBe(200);
    expect((await call('account', 'GET', '/subscriptions', checkout)).status).toBe(403);
    expect((await call('ops', 'GET', '/audit', platform.serviceToken('account'))).status).toBe(403);
  });

  it('never writes personal data, bank details, keys or tokens to a log line', async () => {
    // The flow's events reach every consumer, Ops' audit log included, before the logs are read.
    await eventually(
      async () => (await call('ops', 'GET', `/audit?streamId=merchant-${other.id}`, TEST_OPS_TOKEN)).body?.items?.length > 0,
      30_000,
    );
    const secrets = [
      ...Object.values(PERSON),
      IBAN,
      IBAN.slice(4),
      merchant.apiKey,
      other.apiKey,
      TEST_OPS_TOKEN,
      ...SERVICES.map((service) => platform.serviceToken(service)),
    ];
    const leaks = SERVICES.flatMap((service) =>
      platform
        .output(service)
        .split('\n')
        .flatMap((line) =>
          secrets.filter((secret) => line.includes(secret)).map((secret) => ({ service, secret, line: line.slice(0, 300) })),
        ),
    );
    expect(SERVICES.map((service) => platform.output(service).split('\n').length).reduce((a, b) => a + b)).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
});
