import { ServiceName } from '@app/contracts';
import { TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Random } from './fuzz/hostile-values';
import { FuzzRequest, OpenApiDocument, Route, fuzzRequest, routesOf } from './fuzz/openapi-requests';
import { send } from './support/http';

// Seeded, so a CI run is the same run every time; CI size by default (`npm test`), `npm run test:soak` runs 10,000.
const SEED = Number(process.env.FUZZ_SEED || 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS || 600);
const CONCURRENCY = 8;
const SERVICES: ServiceName[] = ['payment-provider', 'account', 'merchant', 'fraud', 'checkout', 'ops'];

interface Target {
  service: ServiceName;
  route: Route;
  doc: OpenApiDocument;
}
interface Outcome {
  service: ServiceName;
  request: FuzzRequest;
  status: number | string;
}

/**
 * Fires one fuzzed request as it is, on a connection of its own, and answers its status or the network error. Not the
 * shared helper of test/support/http.ts: that one reuses kept-alive connections and retries on one the server closed,
 * which would hide exactly the dropped connection this spec looks for.
 */
async function fire(base: string, request: FuzzRequest): Promise<number | string> {
  try {
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      body: request.body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return `network error: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`;
  }
}

/**
 * A seeded fuzz of every route of every service, as each service's OpenAPI document lists them:
 * random and corrupted bodies, control characters, lone surrogates, huge and negative numbers,
 * wrong types, hostile ids and query strings. No answer is a 5xx or a dropped connection, and the
 * platform still completes a checkout afterwards. FUZZ_SEED replays a run; FUZZ_REQUESTS sizes it.
 */
describe(`Fuzzing every route (seed ${SEED})`, () => {
  let platform: TestPlatform;
  const url = (service: ServiceName) => platform.url(service);

  beforeAll(async () => {
    platform = await TestPlatform.start(SERVICES);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const openAccount = async () =>
    (
      await send<{ id: string }>(url('account'), 'POST', '/accounts', {
        name: 'Fuzz',
        lastName: 'Buyer',
        country: 'DE',
        address: { street: 'Weg 1', city: 'Berlin', zip: '10115' },
        limit: 100_000,
        currency: 'EUR',
      })
    ).body.id;
  const onboardMerchant = async () =>
    (
      await send<{ id: string }>(url('merchant'), 'POST', '/merchants', {
        name: 'Fuzz shop',
        country: 'GB',
        bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
      })
    ).body.id;
  const checkout = (accountId: string, merchantId: string) =>
    send<{ status: string; checkoutId: string }>(
      url('checkout'),
      'POST',
      '/checkouts',
      {
        accountId,
        merchantId,
        items: [{ sku: 'fuzz', quantity: 1, unitPrice: 1_000 }],
        currency: 'EUR',
      },
      { 'idempotency-key': randomUUID() },
    );

  it(`answers ${REQUESTS}+ hostile requests without a single 5xx, then still serves valid ones`, async () => {
    const [accountId, merchantId] = [await openAccount(), await onboardMerchant()];
    const first = await checkout(accountId, merchantId);
    const realIds = [accountId, merchantId, first.body.checkoutId, 'fraud.account-events', '1'].filter(Boolean);

    const targets: Target[] = [];
    for (const service of SERVICES) {
      const answer = await send<OpenApiDocument>(url(service), 'GET', '/docs-json');
      expect(answer.status).toBe(200);
      for (const route of routesOf(answer.body)) targets.push({ service, route, doc: answer.body });
    }
    // The simulator's behaviour switch may make it fail on purpose: fuzz it last, when nothing depends on it.
    const isBehaviourSwitch = (target: Target) => target.service === 'payment-provider' && target.route.path.startsWith('/test/');
    const ordered = [...targets.filter((t) => !isBehaviourSwitch(t)), ...targets.filter(isBehaviourSwitch)];
    const perRoute = Math.ceil(REQUESTS / ordered.length);

    const random = new Random(SEED);
    const outcomes: Outcome[] = [];
    for (let start = 0; start < ordered.length; start += CONCURRENCY) {
      const batch = ordered.slice(start, start + CONCURRENCY);
      await Promise.all(
        batch.map(async ({ service, route, doc }) => {
          for (let i = 0; i < perRoute; i++) {
            const request = fuzzRequest(route, doc, random, realIds, TEST_OPS_TOKEN);
            outcomes.push({ service, request, status: await fire(url(service), request) });
          }
        }),
      );
    }

    const failures = outcomes.filter((outcome) => typeof outcome.status !== 'number' || outcome.status >= 500);
    const statuses = outcomes.reduce<Record<string, number>>(
      (counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
      {},
    );
    console.log(`fuzz seed ${SEED}: ${outcomes.length} requests over ${ordered.length} routes; statuses ${JSON.stringify(statuses)}`);
    expect(outcomes.length).toBeGreaterThanOrEqual(REQUESTS);
    expect(
      failures
        .slice(0, 25)
        .map(
          ({ service, request, status }) =>
            `${service} ${request.method} ${request.path.slice(0, 200)} ${request.body?.slice(0, 200) ?? ''} → ${status}`,
        ),
    ).toEqual([]);

    await send(url('payment-provider'), 'DELETE', '/test/behaviour');
    for (const service of SERVICES) expect((await send(url(service), 'GET', '/health/ready')).status).toBe(200);
    const after = await checkout(await openAccount(), await onboardMerchant());
    expect([after.status, after.body.status]).toEqual([200, 'completed']);
  }, 900_000);
});
