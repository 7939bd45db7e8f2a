import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, createHttpAdapter } from '@app/platform';
import { operatorHeaders, TEST_OPS_TOKEN } from '@app/testing';
import { PaymentProviderModule } from './payment-provider.module';
import { NORMAL } from './payments/behaviour/provider-behaviour';
import { PaymentProviderOptions } from './payments/provider-options';

const HOLD_MS = 1000;

// The simulator accepts the operator everywhere, as every service does.
process.env.OPS_TOKEN = TEST_OPS_TOKEN;

async function boot(overrides: Partial<PaymentProviderOptions> = {}): Promise<{ app: INestApplication; base: string }> {
  const options: PaymentProviderOptions = {
    logLevel: 'silent',
    testRoutes: true,
    behaviour: { authorise: NORMAL, capture: NORMAL, void: NORMAL, lookup: NORMAL },
    timeoutHoldMs: HOLD_MS,
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({ imports: [PaymentProviderModule.forRoot(options)] }).compile();
  const app = configureHttpApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { bufferLogs: true }), {
    title: 'payment provider',
  });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

describe('payment provider simulator over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => ({ app, base } = await boot()));
  afterAll(() => app.close());
  afterEach(() => call('DELETE', '/test/behaviour'));

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Answer> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...operatorHeaders(), 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  }
  const payment = (reference = `order-${Math.random()}`) => ({ amount: 1999, currency: 'EUR', reference });
  const authoriseOne = async (): Promise<string> => {
    const res = await call('POST', '/authorisations', payment());
    expect(res.status).toBe(201);
    return res.body.authorisationId as string;
  };
  const expectProblem = (res: Answer, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  };

  it('authorises, then shows the authorisation', async () => {
    const res = await call('POST', '/authorisations', { amount: 1999, currency: 'EUR', reference: 'order-1' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ authorisationId: expect.any(String), status: 'authorised', amount: 1999, currency: 'EUR' });
    const shown = await call('GET', `/authorisations/${res.body.authorisationId}`);
    expect(shown).toMatchObject({ status: 200, body: { status: 'authorised', amount: 1999, currency: 'EUR', reference: 'order-1' } });
  });

  it('captures idempotently and refuses to void a captured authorisation', async () => {
    const id = await authoriseOne();
    expect(await call('POST', `/authorisations/${id}/capture`)).toMatchObject({
      status: 200,
      body: { authorisationId: id, status: 'captured' },
    });
    expect(await call('POST', `/authorisations/${id}/capture`)).toMatchObject({ status: 200, body: { status: 'captured' } });
    expectProblem(await call('POST', `/authorisations/${id}/void`), 409, 'AUTHORISATION_CAPTURED');
    expect((await call('GET', `/authorisations/${id}`)).body.status).toBe('captured');
  });

  it('finds an authorisation by its idempotency key, and answers 404 for a key never used', async () => {
    const key = `key-${Math.random()}`;
    const made = await call('POST', '/authorisations', payment(), { 'idempotency-key': key });
    const found = await call('GET', `/authorisations?idempotencyKey=${encodeURIComponent(key)}`);
    expect(found).toMatchObject({ status: 200, body: { authorisationId: made.body.authorisationId, status: 'authorised' } });
    expectProblem(await call('GET', '/authorisations?idempotencyKey=never-used'), 404, 'AUTHORISATION_NOT_FOUND');
    expectProblem(await call('GET', '/authorisations'), 400, 'INVALID_IDEMPOTENCY_KEY');
  });

  it('in lost mode authorises and captures but answers 504; a retry with the key gets the same authorisation', async () => {
    const key = `key-${Math.random()}`;
    const request = payment();
    await call('PUT', '/test/behaviour', { authorise: { mode: 'lost' }, capture: { mode: 'lost' } });
    expectProblem(await call('POST', '/authorisations', request, { 'idempotency-key': key }), 504, 'PROVIDER_TIMEOUT');
    const found = await call('GET', `/authorisations?idempotencyKey=${encodeURIComponent(key)}`);
    expect(found).toMatchObject({ status: 200, body: { status: 'authorised' } });
    const id = found.body.authorisationId as string;
    expectProblem(await call('POST', `/authorisations/${id}/capture`), 504, 'PROVIDER_TIMEOUT');
    expect((await call('GET', `/authorisations/${id}`)).body.status).toBe('captured');
    await call('DELETE', '/test/behaviour');
    expect(await call('POST', '/authorisations', request, { 'idempotency-key': key })).toMatchObject({
      status: 201,
      body: { authorisationId: id },
    });
  });

  it('in down mode refuses every call with 503 and changes nothing', async () => {
    const id = await authoriseOne();
    await call('PUT', '/test/behaviour', { capture: { mode: 'down' }, lookup: { mode: 'down' } });
    expectProblem(await call('POST', `/authorisations/${id}/capture`), 503, 'PROVIDER_UNAVAILABLE');
    expectProblem(await call('GET', `/authorisations/${id}`), 503, 'PROVIDER_UNAVAILABLE');
    await call('DELETE', '/test/behaviour');
    expect((await call('GET', `/authorisations/${id}`)).body.status).toBe('authorised');
  });

  it('voids idempotently and refuses to capture a voided authorisation', async () => {
    const id = await authoriseOne();
    expect(await call('POST', `/authorisations/${id}/void`)).toMatchObject({ status: 200, body: { status: 'voided' } });
    expect(await call('POST', `/authorisations/${id}/void`)).toMatchObject({ status: 200, body: { status: 'voided' } });
    expectProblem(await call('POST', `/authorisations/${id}/capture`), 409, 'AUTHORISATION_VOIDED');
  });

  it('answers 404 problems for unknown authorisations', async () => {
    expectProblem(await call('GET', '/authorisations/nope'), 404, 'AUTHORISATION_NOT_FOUND');
    expectProblem(await call('POST', '/authorisations/nope/capture'), 404, 'AUTHORISATION_NOT_FOUND');
    expectProblem(await call('POST', '/authorisations/nope/void'), 404, 'AUTHORISATION_NOT_FOUND');
  });

  it('returns the first answer for a repeated Idempotency-Key, even when the retries race', async () => {
    const key = { 'idempotency-key': `key-${Math.random()}` };
    const body = payment();
    const answers = await Promise.all([1, 2, 3].map(() => call('POST', '/authorisations', body, key)));
    const later = await call('POST', '/authorisations', body, key);
    const ids = new Set([...answers, later].map((a) => a.body.authorisationId));
    expect(ids.size).toBe(1);
    expect(later).toMatchObject({ status: 201, body: { status: 'authorised', amount: 1999 } });
    expectProblem(await call('POST', '/authorisations', { ...body, amount: 5 }, key), 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it.each([
    ['a zero amount', { amount: 0 }, 'amount must not be less than 1'],
    ['a fractional amount', { amount: 1.5 }, 'amount must be an integer number'],
    ['an amount as a string', { amount: '100' }, 'amount must be an integer number'],
    ['a lower-case currency', { currency: 'eur' }, 'currency must be an ISO 4217 code of three upper-case letters'],
    ['an unknown currency', { currency: 'ABC' }, 'currency must be a known ISO 4217 code'],
    ['no reference', { reference: undefined }, 'reference must be a string'],
    ['an unknown field', { tip: 5 }, 'property tip should not exist'],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_case, change, message) => {
    const res = await call('POST', '/authorisations', { ...payment(), ...change });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.detail).toContain(message);
  });

  it('rejects malformed JSON and a blank Idempotency-Key with 400 problems', async () => {
    expectProblem(await call('POST', '/authorisations', '{"amount": 1,'), 400, 'MALFORMED_JSON');
    expectProblem(await call('POST', '/authorisations', payment(), { 'idempotency-key': ' ' }), 400, 'INVALID_IDEMPOTENCY_KEY');
  });

  it('declines authorisations in fail mode without recording them, and recovers after reset', async () => {
    const key = { 'idempotency-key': `key-${Math.random()}` };
    const body = payment();
    expect(await call('PUT', '/test/behaviour', { authorise: { mode: 'fail' } })).toMatchObject({
      status: 200,
      body: { authorise: { mode: 'fail' } },
    });
    expectProblem(await call('POST', '/authorisations', body, key), 502, 'PROVIDER_DECLINED');
    await call('DELETE', '/test/behaviour');
    expect(await call('POST', '/authorisations', body, key)).toMatchObject({ status: 201, body: { status: 'authorised' } });
  });

  it('fails captures at failure rate 1 with PROVIDER_ERROR, leaving the authorisation as it was', async () => {
    const id = await authoriseOne();
    await call('PUT', '/test/behaviour', { capture: { failureRate: 1 } });
    expectProblem(await call('POST', `/authorisations/${id}/capture`), 502, 'PROVIDER_ERROR');
    expect((await call('GET', `/authorisations/${id}`)).body.status).toBe('authorised');
    expect(await call('POST', `/authorisations/${id}/void`)).toMatchObject({ status: 200, body: { status: 'voided' } });
  });

  it('adds the configured latency', async () => {
    await call('PUT', '/test/behaviour', { void: { latencyMs: 300 } });
    const id = await authoriseOne();
    const started = Date.now();
    expect((await call('POST', `/authorisations/${id}/void`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('holds the request in timeout mode, then gives up with 504', async () => {
    await call('PUT', '/test/behaviour', { authorise: { mode: 'timeout' } });
    const reference = `held-${Math.random()}`;
    await expect(call('POST', '/authorisations', payment(reference), {}, AbortSignal.timeout(HOLD_MS / 2))).rejects.toThrow();
    const started = Date.now();
    expectProblem(await call('POST', '/authorisations', payment(reference)), 504, 'PROVIDER_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 10);
  });

  it('validates behaviour changes and reports the effective behaviour', async () => {
    expectProblem(await call('PUT', '/test/behaviour', { capture: { failureRate: 2, mode: 'slow' } }), 400, 'VALIDATION_FAILED');
    await call('PUT', '/test/behaviour', { capture: { latencyMs: 5 } });
    expect((await call('GET', '/test/behaviour')).body).toEqual({
      authorise: NORMAL,
      capture: { ...NORMAL, latencyMs: 5 },
      void: NORMAL,
      lookup: NORMAL,
    });
    expect((await call('DELETE', '/test/behaviour')).body).toEqual({ authorise: NORMAL, capture: NORMAL, void: NORMAL, lookup: NORMAL });
  });

  it('serves health, metrics and docs', async () => {
    expect(await call('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/payment_provider_operations_total\{operation="authorise",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/authorisations\/:id\/capture",status="200"\}/);
    const docs = (await call('GET', '/docs-json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/authorisations', '/authorisations/{id}/capture']));
  });
});

describe('payment provider simulator with PROVIDER_TEST_ROUTES=false', () => {
  it('has no test routes', async () => {
    const { app, base } = await boot({ testRoutes: false });
    try {
      const res = await fetch(`${base}/test/behaviour`, { method: 'DELETE' });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    } finally {
      await app.close();
    }
  });
});

describe('payment provider simulator shutdown', () => {
  it('ends held calls promptly when the app shuts down', async () => {
    const { app, base } = await boot({
      behaviour: { authorise: { ...NORMAL, mode: 'timeout' }, capture: NORMAL, void: NORMAL, lookup: NORMAL },
      timeoutHoldMs: 60_000,
    });
    const held = fetch(`${base}/authorisations`, {
      method: 'POST',
      headers: { ...operatorHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1, currency: 'EUR', reference: 'r' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await app.close();
    expect((await held).status).toBe(503);
    // Closing waits out no hold: this test's timeout is well below the 60 s one.
  }, 20_000);
});
