import { parseQueueName, ServiceName } from '@app/contracts';
import { eventually, TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { ConformanceDriver } from './support/openapi-conformance-driver';
import { asDeadLetter, eventMessage, QueueWriter } from './support/ops-e2e-support';

const SERVICES: ServiceName[] = ['account', 'merchant', 'fraud', 'payment-provider', 'checkout', 'ops'];
const BANK_ACCOUNT = { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' };
const accountBody = (limit = 100_000) => ({
  name: 'Ada',
  lastName: 'Lovelace',
  country: 'GB',
  address: { street: '1 St James', city: 'London', zip: 'SW1' },
  limit,
  currency: 'EUR',
});

/**
 * The OpenAPI documents tell the truth: every answer of all six services below, good or bad, has a
 * documented status, content type and body; what a service takes, its request schema accepts; and
 * each request schema refuses at least one input the service refuses too. Every operation is called.
 */
describe('OpenAPI conformance, as real processes', () => {
  let platform: TestPlatform;
  const drivers = {} as Record<ServiceName, ConformanceDriver>;

  beforeAll(async () => {
    platform = await TestPlatform.start(SERVICES);
    for (const service of SERVICES) drivers[service] = await ConformanceDriver.of(platform.url(service));
  });

  afterAll(async () => {
    await platform?.stop();
  });

  /** Answers nothing undocumented, every operation was called, and every one taking input refused a bad one, schema and service alike. */
  const expectConformant = (driver: ConformanceDriver) => {
    expect(driver.problems).toEqual([]);
    expect(driver.uncalled()).toEqual([]);
    expect(driver.unrefused()).toEqual([]);
  };

  /** A body the server takes for no route: not JSON (415), or too large (413). */
  const unreadable = async (driver: ConformanceDriver, path: string) => {
    const xml = await driver.send('POST', path, { body: '<account/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    const huge = await driver.send('POST', path, { body: { name: 'x'.repeat(200 * 1024) } });
    expect(huge.status).toBe(413);
  };

  const openAccount = async (limit?: number): Promise<string> => {
    const opened = await drivers.account.send('POST', '/accounts', { body: accountBody(limit) });
    expect(opened.status).toBe(201);
    return opened.body.id;
  };
  const onboardMerchant = async (): Promise<string> => {
    const onboarded = await drivers.merchant.send('POST', '/merchants', {
      body: { name: 'Lovelace Books', country: 'GB', bankAccount: BANK_ACCOUNT },
    });
    expect(onboarded.status).toBe(201);
    return onboarded.body.id;
  };

  /** The relay and consumer routes every producer (and every service with a database) serves from libs/platform. */
  async function drivePlatformRoutes(driver: ConformanceDriver): Promise<void> {
    const paths = driver.conformance.document.paths;
    if (paths['/consumers/latency']) expect((await driver.send('GET', '/consumers/latency')).status).toBe(200);
    if (!paths['/subscriptions/frontier']) return;
    const subscriptions = await driver.send('GET', '/subscriptions');
    expect(subscriptions.status).toBe(200);
    await driver.send('GET', '/subscriptions/frontier');
    const [first] = subscriptions.body as { name: string; cursorPosition: string }[];
    expect((await driver.send('POST', `/subscriptions/${first.name}/pause`)).status).toBe(200);
    expect((await driver.send('POST', `/subscriptions/${first.name}/resume`)).status).toBe(200);
    await driver.send('POST', `/subscriptions/${first.name}/rewind`, { body: { toPosition: Number(first.cursorPosition) } });
    await driver.send('POST', '/subscriptions/nobody.account-events/pause');
    await driver.send('POST', '/subscriptions/nobody.account-events/rewind', { body: { toPosition: 0 } });
    await driver.refused('POST', `/subscriptions/${first.name}/rewind`, { toPosition: -1 });
    await driver.send('POST', `/subscriptions/${first.name}/redeliver`, { body: { streamId: `stream-${randomUUID()}`, fromVersion: 1 } });
    await driver.send('POST', '/subscriptions/nobody.account-events/redeliver', { body: { streamId: 'stream-x', fromVersion: 1 } });
    await driver.refused('POST', `/subscriptions/${first.name}/redeliver`, { streamId: 'stream-x', fromVersion: 0 });
    expect((await driver.send('POST', '/subscriptions/rebase')).status).toBe(200);
    await driveRegistration(driver, first.name);
  }

  /** Registers a run-time consumer of this producer (the relay needs no queue for that), refuses a few, removes it. */
  async function driveRegistration(driver: ConformanceDriver, defaultName: string): Promise<void> {
    const producer = parseQueueName(defaultName)!.producer;
    const name = `conformance.${producer}-events`;
    expect((await driver.send('POST', '/subscriptions', { body: { name, from: 'now', backfillRatePerSecond: 10 } })).status).toBe(201);
    expect((await driver.send('GET', '/subscriptions')).status).toBe(200);
    expect((await driver.send('POST', '/subscriptions', { body: { name, from: '0' } })).body.code).toBe('SUBSCRIPTION_EXISTS');
    expect((await driver.send('POST', '/subscriptions', { body: { name: defaultName, from: '0' } })).body.code).toBe('RESERVED_CONSUMER');
    const elsewhere = { name: `conformance.${producer === 'account' ? 'merchant' : 'account'}-events`, from: '0' };
    expect((await driver.send('POST', '/subscriptions', { body: elsewhere })).body.code).toBe('INVALID_QUEUE_NAME');
    await driver.refused('POST', '/subscriptions', { name, from: 'yesterday' });
    await driver.refused('POST', '/subscriptions', { name, from: 'now', backfillRatePerSecond: 0 });
    expect((await driver.send('DELETE', `/subscriptions/${defaultName}`)).body.code).toBe('DEFAULT_SUBSCRIPTION');
    expect((await driver.send('DELETE', `/subscriptions/${name}`)).status).toBe(200);
    expect((await driver.send('DELETE', `/subscriptions/${name}`)).body.code).toBe('SUBSCRIPTION_NOT_FOUND');
  }

  it('defines the bearer scheme and the problem schema, and asks for the credential on every non-public route', () => {
    for (const service of SERVICES) {
      const document = drivers[service].conformance.document as any;
      expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
      expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
      for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(item)) {
          const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
          // A merchant's key is a second, documented scheme on the routes it may call: Checkout's own and its keys in Merchant.
          const merchantRoute =
            (service === 'checkout' && ['/checkouts', '/checkouts/{id}'].includes(path) && method !== 'delete') ||
            (service === 'merchant' && (path.startsWith('/merchants/{id}/keys') || path.startsWith('/merchants/{id}/webhook-endpoints')));
          expect({ service, path, security: operation.security, has401: '401' in operation.responses }).toEqual({
            service,
            path,
            security: merchantRoute ? [{ bearer: [] }, { merchantApiKey: [] }] : [{ bearer: [] }],
            has401: true,
          });
          // Every success answer describes its body.
          for (const status of success) {
            expect({ service, method, path, status, body: !!operation.responses[status].content }).toMatchObject({ body: true });
          }
        }
      }
    }
  });

  it("answers only what the account service's document says", async () => {
    const account = drivers.account;
    const id = await openAccount(700);
    await account.send('POST', '/accounts', { body: { name: 'Ada' } });
    await account.send('POST', '/accounts', { body: accountBody(10 ** 12) });
    await account.refused('POST', '/accounts', { ...accountBody(), country: 'Great Britain' });
    await account.refused('POST', '/accounts', { ...accountBody(), limit: -1 });
    await account.refused('POST', '/accounts', { ...accountBody(), phoneNumber: 'call me' });
    await eventually(async () => (await account.send('GET', `/accounts/${id}`)).status === 200, 15_000, 200);
    await account.send('GET', `/accounts/${randomUUID()}`);
    await account.send('GET', '/accounts/not-a-uuid');
    await account.send('GET', `/accounts/${id}/events`);
    await account.send('GET', `/accounts/${id}/events?afterVersion=0&limit=1`);
    await account.refused('GET', `/accounts/${id}/events?limit=0`);
    await account.send('GET', `/accounts/${randomUUID()}/events`);
    await account.send('PUT', `/accounts/${id}/limit`, { body: { limit: 10 ** 12 } });
    await account.refused('PUT', `/accounts/${id}/limit`, { limit: 'lots' });
    await account.send('PUT', `/accounts/${id}/address`, { body: { street: '2 St James', city: 'London', zip: 'SW1' } });
    await account.refused('PUT', `/accounts/${id}/address`, { street: '', city: 'London', zip: 'SW1' });
    await account.send('POST', `/accounts/${id}/phone-numbers`, { body: { phoneNumber: '+44 20 1234567' } });
    await account.refused('POST', `/accounts/${id}/phone-numbers`, { phoneNumber: 'call me' });
    await account.send('POST', `/accounts/${id}/vip`);
    await account.send('POST', `/accounts/${id}/transactions`, { body: { transactionId: 't-1', amount: 500, currency: 'EUR' } });
    await account.send('POST', `/accounts/${id}/transactions`, { body: { transactionId: 't-2', amount: 700, currency: 'EUR' } });
    await account.send('POST', `/accounts/${id}/transactions`, { body: { transactionId: 't-3', amount: 5, currency: 'USD' } });
    await account.send('POST', `/accounts/${id}/transactions`, { body: { transactionId: 't-4', amount: 0, currency: 'EUR' } });
    await account.refused('POST', `/accounts/${id}/transactions`, { transactionId: '-t', amount: 5, currency: 'EUR' });
    await account.send('POST', `/accounts/${id}/transactions/t-9/refund`);
    // t-9 was refunded before any charge, so it is cancelled: its charge is refused.
    expect(
      (await account.send('POST', `/accounts/${id}/transactions`, { body: { transactionId: 't-9', amount: 5, currency: 'EUR' } })).body
        .code,
    ).toBe('TRANSACTION_CANCELLED');
    await account.send('POST', `/accounts/${id}/transactions/t-8/cancel`);
    await account.send('POST', `/accounts/${id}/transactions/t-2/cancel`);
    await account.send('POST', `/accounts/${id}/transactions/t-2/cancel`);
    await account.send('POST', `/accounts/${randomUUID()}/transactions/t-2/cancel`);
    await account.send('POST', `/accounts/${id}/transactions/t-1/refund`);
    await account.send('POST', `/accounts/${id}/transactions/t-1/refund`);
    await account.send('POST', `/accounts/${id}/lock`);
    await account.send('PUT', `/accounts/${id}/limit`, { body: { limit: 100 } });
    await account.send('POST', `/accounts/${id}/vip`);
    await account.send('POST', `/accounts/${id}/unlock`);
    await account.send('POST', `/accounts/${randomUUID()}/unlock`);
    await account.send('GET', '/stats/countries');
    await unreadable(account, `/accounts/${id}/lock`);
    await drivePlatformRoutes(account);
    expectConformant(account);
  });

  it("answers only what the merchant service's document says", async () => {
    const merchant = drivers.merchant;
    const id = await onboardMerchant();
    await merchant.send('POST', '/merchants', {
      body: { name: 'Lovelace Books', country: 'GB', bankAccount: { iban: 'GB00WEST12345698765432', bic: 'NWBKGB2L' } },
    });
    await merchant.send('POST', '/merchants', { body: { name: '' } });
    await merchant.refused('POST', '/merchants', { name: 'Lovelace Books', country: 'gb', bankAccount: BANK_ACCOUNT });
    await merchant.refused('POST', '/merchants', { name: '', country: 'GB', bankAccount: BANK_ACCOUNT });
    await merchant.refused('POST', '/merchants', { name: 'L', country: 'GB', bankAccount: { iban: 'G'.repeat(51), bic: 'NWBKGB2L' } });
    await merchant.send('GET', `/merchants/${id}`);
    await merchant.send('GET', `/merchants/${randomUUID()}`);
    await merchant.send('GET', '/merchants/not-a-uuid');
    await merchant.send('PUT', `/merchants/${id}/bank-account`, { body: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } });
    await merchant.send('PUT', `/merchants/${id}/bank-account`, { body: { iban: 'DE00370400440532013000', bic: 'COBADEFFXXX' } });
    await merchant.refused('PUT', `/merchants/${id}/bank-account`, { iban: '', bic: 'COBADEFFXXX' });
    await merchant.send('POST', `/merchants/${id}/suspend`, { body: { reason: 'chargebacks' } });
    await merchant.refused('POST', `/merchants/${id}/suspend`, { reason: 'x'.repeat(501) });
    await merchant.send('POST', `/merchants/${id}/reinstate`);
    await merchant.send('POST', `/merchants/${randomUUID()}/reinstate`);
    await merchant.send('GET', `/merchants/${id}/sales`);
    await merchant.send('GET', `/merchants/${id}/sales?last=5`);
    await merchant.refused('GET', `/merchants/${id}/sales?last=101`);
    await merchant.send('GET', `/merchants/${randomUUID()}/sales`);
    const keyId = (await merchant.send('GET', `/merchants/${id}/keys`)).body.items[0].id as string;
    await merchant.send('GET', `/merchants/${randomUUID()}/keys`);
    const minted = (await merchant.send('POST', `/merchants/${id}/keys`)).body.id as string;
    await merchant.send('POST', `/merchants/${randomUUID()}/keys`);
    await merchant.send('POST', `/merchants/${id}/keys/${minted}/roll`, { body: { expiresInHours: 1 } });
    await merchant.refused('POST', `/merchants/${id}/keys/${keyId}/roll`, { expiresInHours: 1_000 });
    await merchant.send('POST', `/merchants/${id}/keys/ffffffffffffffff/roll`, { body: { expiresInHours: 1 } });
    await merchant.send('DELETE', `/merchants/${id}/keys/${minted}`);
    await merchant.send('POST', `/merchants/${id}/keys/${minted}/roll`, { body: { expiresInHours: 1 } });
    await merchant.send('DELETE', `/merchants/${id}/keys/ffffffffffffffff`);
    await merchant.send('GET', `/merchants/${id}/request-limit`);
    await merchant.send('PUT', `/merchants/${id}/request-limit`, { body: { requests: 50, windowSeconds: 10 } });
    await merchant.refused('PUT', `/merchants/${id}/request-limit`, { requests: 0, windowSeconds: 10 });
    await merchant.send('GET', `/merchants/${id}/request-limit`);
    await merchant.send('DELETE', `/merchants/${id}/request-limit`);
    await merchant.send('DELETE', `/merchants/${randomUUID()}/request-limit`);
    const hooks = `/merchants/${id}/webhook-endpoints`;
    const endpoint = (await merchant.send('POST', hooks, { body: { url: 'https://203.0.113.10/hooks', events: ['checkout.completed'] } }))
      .body.id as string;
    await merchant.send('POST', hooks, { body: { url: 'https://203.0.113.10/hooks', events: ['checkout.completed'] } });
    await merchant.send('POST', hooks, { body: { url: 'http://203.0.113.10/hooks', events: ['checkout.completed'] } });
    await merchant.refused('POST', hooks, { url: 'https://203.0.113.10/hooks', events: ['checkout.shipped'] });
    await merchant.send('POST', `/merchants/${randomUUID()}/webhook-endpoints`, {
      body: { url: 'https://203.0.113.11/', events: ['checkout.pending'] },
    });
    await merchant.send('GET', hooks);
    await merchant.send('GET', `/merchants/${randomUUID()}/webhook-endpoints`);
    await merchant.send('GET', `${hooks}/${endpoint}`);
    await merchant.send('GET', `${hooks}/${randomUUID()}`);
    await merchant.send('POST', `${hooks}/${endpoint}/rotate-secret`, { body: { overlapHours: 2 } });
    await merchant.refused('POST', `${hooks}/${endpoint}/rotate-secret`, { overlapHours: 1_000 });
    await merchant.send('POST', `${hooks}/${randomUUID()}/rotate-secret`, { body: { overlapHours: 2 } });
    await merchant.send('POST', `${hooks}/${endpoint}/disable`);
    await merchant.send('POST', `${hooks}/${randomUUID()}/disable`);
    await merchant.send('POST', `${hooks}/${endpoint}/enable`);
    await merchant.send('POST', `${hooks}/${randomUUID()}/enable`);
    await merchant.send('POST', `${hooks}/${endpoint}/test`);
    await merchant.send('POST', `${hooks}/${randomUUID()}/test`);
    await merchant.send('GET', `${hooks}/${endpoint}/deliveries?status=pending&limit=5`);
    await merchant.refused('GET', `${hooks}/${endpoint}/deliveries?limit=500`);
    await merchant.send('GET', `${hooks}/${randomUUID()}/deliveries`);
    await merchant.send('POST', `${hooks}/${endpoint}/deliveries/replay`, { body: {} });
    await merchant.refused('POST', `${hooks}/${endpoint}/deliveries/replay`, { deliveryIds: ['not-a-uuid'] });
    await merchant.send('POST', `${hooks}/${randomUUID()}/deliveries/replay`, { body: { deliveryIds: [randomUUID()] } });
    await merchant.send('GET', '/webhook-deliveries/failed');
    await merchant.send('GET', `/webhook-deliveries/failed?merchantId=${id}&endpointId=${endpoint}&limit=1`);
    await merchant.send('GET', '/webhook-deliveries/failed?cursor=bm90LWEtY3Vyc29y');
    await merchant.refused('GET', '/webhook-deliveries/failed?limit=500');
    await merchant.send('POST', '/webhook-deliveries/failed/replay', { body: { ids: [randomUUID()] } });
    await merchant.refused('POST', '/webhook-deliveries/failed/replay', { ids: ['not-a-uuid'] });
    await merchant.send('DELETE', `${hooks}/${endpoint}`);
    await merchant.send('DELETE', `${hooks}/${endpoint}`);
    await merchant.send('POST', '/merchant-keys/sync', { body: { used: [] } });
    await merchant.refused('POST', '/merchant-keys/sync', { used: [{ keyId: 'not-a-key', at: 'never' }] });
    await unreadable(merchant, '/merchants');
    await drivePlatformRoutes(merchant);
    expectConformant(merchant);
  });

  it("answers only what the fraud service's document says", async () => {
    const fraud = drivers.fraud;
    const accountId = await openAccount();
    const assessment = { accountId, merchantId: randomUUID(), amount: 500, currency: 'EUR', checkoutId: randomUUID() };
    expect((await fraud.send('POST', '/assessments', { body: assessment })).status).toBe(200);
    await fraud.send('POST', '/assessments', { body: { ...assessment, amount: 600 } });
    await fraud.refused('POST', '/assessments', { ...assessment, accountId: 'someone' });
    await fraud.refused('POST', '/assessments', { ...assessment, amount: -1 });
    await eventually(async () => (await fraud.send('GET', `/risk-profiles/${accountId}`)).status === 200, 15_000, 200);
    await fraud.send('GET', `/risk-profiles/${randomUUID()}`);
    await fraud.send('GET', '/risk-profiles/not-a-uuid');
    await unreadable(fraud, '/assessments');
    await drivePlatformRoutes(fraud);
    expectConformant(fraud);
  });

  it("answers only what the payment provider's document says, its simulated failures included", async () => {
    const provider = drivers['payment-provider'];
    const key = randomUUID();
    const payment = { amount: 1_999, currency: 'EUR', reference: 'checkout-42' };
    const authorised = await provider.send('POST', '/authorisations', { body: payment, headers: { 'idempotency-key': key } });
    expect(authorised.status).toBe(201);
    const id = authorised.body.authorisationId;
    await provider.send('POST', '/authorisations', { body: { ...payment, amount: 5 }, headers: { 'idempotency-key': key } });
    await provider.send('POST', '/authorisations', { body: payment, headers: { 'idempotency-key': ' ' } });
    await provider.refused('POST', '/authorisations', { ...payment, amount: 0 });
    await provider.refused('POST', '/authorisations', { ...payment, currency: 'eur' });
    await provider.send('GET', `/authorisations?idempotencyKey=${key}`);
    await provider.send('GET', `/authorisations?idempotencyKey=${randomUUID()}`);
    await provider.refused('GET', '/authorisations');
    await provider.refused('GET', '/authorisations?idempotencyKey=');
    await provider.send('GET', `/authorisations/${id}`);
    await provider.send('GET', `/authorisations/${randomUUID()}`);
    await provider.send('POST', `/authorisations/${id}/capture`);
    await provider.send('POST', `/authorisations/${id}/void`);
    const other = (await provider.send('POST', '/authorisations', { body: payment })).body.authorisationId;
    await provider.send('POST', `/authorisations/${other}/void`);
    await provider.send('POST', `/authorisations/${other}/capture`);
    await provider.send('POST', `/authorisations/${randomUUID()}/capture`);

    await provider.send('GET', '/test/behaviour');
    await provider.send('GET', `/test/authorisations?reference=${randomUUID()}`);
    await provider.refused('GET', '/test/authorisations');
    await provider.refused('PUT', '/test/behaviour', { authorise: { mode: 'sometimes' } });
    await provider.refused('PUT', '/test/behaviour', { capture: { failureRate: 2 } });
    await provider.send('PUT', '/test/behaviour', {
      body: { authorise: { mode: 'fail' }, capture: { mode: 'down' }, lookup: { mode: 'lost' } },
    });
    await provider.send('POST', '/authorisations', { body: payment });
    await provider.send('POST', `/authorisations/${other}/capture`);
    await provider.send('GET', `/authorisations/${other}`);
    await provider.send('PUT', '/test/behaviour', { body: { void: { mode: 'fail' } } });
    await provider.send('POST', `/authorisations/${other}/void`);
    await provider.send('DELETE', '/test/behaviour');
    await unreadable(provider, '/authorisations');
    expectConformant(provider);
  });

  it("answers only what the checkout service's document says, pending checkouts included", async () => {
    const checkout = drivers.checkout;
    const [accountId, poorAccountId, merchantId] = [await openAccount(), await openAccount(100), await onboardMerchant()];
    const body = { accountId, merchantId, items: [{ sku: 'book', quantity: 2, unitPrice: 1_500 }], currency: 'EUR' };
    const post = (key: string | undefined, sent: unknown) =>
      checkout.send('POST', '/checkouts', { body: sent, headers: key === undefined ? {} : { 'idempotency-key': key } });

    const key = randomUUID();
    const completed = await post(key, body);
    expect(completed.body).toMatchObject({ status: 'completed' });
    await post(key, { ...body, currency: 'USD' });
    await post(randomUUID(), { ...body, accountId: poorAccountId });
    await post(undefined, body);
    await post('k'.repeat(256), body);
    await checkout.refused('POST', '/checkouts', { ...body, items: [] }, { 'idempotency-key': randomUUID() });
    await checkout.refused(
      'POST',
      '/checkouts',
      { ...body, items: [{ sku: 'book', quantity: 0, unitPrice: 1 }] },
      { 'idempotency-key': 'k' },
    );
    await checkout.refused('POST', '/checkouts', { ...body, currency: 'eur' }, { 'idempotency-key': randomUUID() });
    await checkout.send('GET', `/checkouts/${completed.body.checkoutId}`);
    await checkout.send('GET', `/checkouts/${randomUUID()}`);
    await checkout.send('GET', '/checkouts/not-a-uuid');
    await checkout.send('GET', `/checkouts/${completed.body.checkoutId}/internal`);
    await checkout.send('GET', `/checkouts/${randomUUID()}/internal`);
    await checkout.send('GET', '/checkouts/not-a-uuid/internal');
    const page = await checkout.send('GET', `/checkouts?merchantId=${merchantId}&limit=1`);
    await checkout.send('GET', `/checkouts?merchantId=${merchantId}&limit=1&cursor=${page.body.nextCursor}`);
    await checkout.send('GET', '/checkouts?status=completed&createdFrom=2026-01-01T00:00:00Z&createdTo=2036-01-02T00:00:00Z');
    await checkout.send('GET', '/checkouts?cursor=bm90LWEtY3Vyc29y');
    await checkout.refused('GET', '/checkouts?limit=101');
    await checkout.refused('GET', '/checkouts?status=done');

    // The provider refuses every authorisation for now: the checkout stays pending, then is compensated.
    await drivers['payment-provider'].send('PUT', '/test/behaviour', { body: { authorise: { mode: 'down' } } });
    const pending = await post(randomUUID(), body);
    const pendingForOps = await post(randomUUID(), body);
    expect([pending.status, pending.body.status]).toEqual([202, 'pending']);
    await checkout.send('GET', `/checkouts/${pending.body.checkoutId}`);
    await checkout.send('GET', `/checkouts/${pending.body.checkoutId}/internal`);
    await checkout.send('GET', '/checkouts/unfinished');
    await checkout.send('GET', '/checkouts/unfinished?limit=1');
    await checkout.refused('GET', '/checkouts/unfinished?limit=many');
    await drivers.ops.send('GET', '/checkouts/unfinished');
    await drivers.ops.send('POST', `/checkouts/${pendingForOps.body.checkoutId}/compensate`);
    await drivers['payment-provider'].send('DELETE', '/test/behaviour');
    await checkout.send('POST', `/checkouts/${pending.body.checkoutId}/compensate`);
    await checkout.send('POST', `/checkouts/${pending.body.checkoutId}/compensate`);
    await checkout.send('POST', `/checkouts/${randomUUID()}/compensate`);
    await checkout.send('POST', '/checkouts/not-a-uuid/compensate');
    await unreadable(checkout, '/checkouts');
    await drivePlatformRoutes(checkout);
    expectConformant(checkout);
  });

  it("answers only what the ops service's document says", async () => {
    const ops = drivers.ops;
    const queue = 'account.account-events';
    const writer = await new QueueWriter(platform.amqpUrl).start();
    try {
      const messages = [1, 2].map(() =>
        eventMessage({ type: 'LimitUpdated', streamId: `account-${randomUUID()}`, streamVersion: 9, data: { newLimit: 1, oldLimit: 0 } }),
      );
      await writer.publish(
        `${queue}.dlq`,
        messages.map((message) => asDeadLetter(message, queue, 'SCHEMA_VIOLATION', 'data.id must be a uuid')),
      );
    } finally {
      await writer.stop();
    }
    const page = await eventually(
      async () => {
        const answer = await ops.send('GET', `/dead-letters?queue=${queue}&limit=10`);
        return answer.body.items?.length >= 2 && answer.body;
      },
      30_000,
      200,
    );
    const [first, second] = page.items.map((item: { id: number }) => item.id);
    await ops.send('GET', '/dead-letters?status=all&after=0');
    await ops.refused('GET', '/dead-letters?limit=0');
    await ops.refused('GET', '/dead-letters?status=gone');
    await ops.send('GET', '/dead-letters/groups');
    await ops.refused('GET', '/dead-letters/groups?status=all');
    await ops.send('GET', `/dead-letters/${first}`);
    await ops.send('GET', '/dead-letters/999999999');
    await ops.send('GET', '/dead-letters/first');
    await ops.send('POST', `/dead-letters/${first}/archive`);
    await ops.send('POST', `/dead-letters/${first}/archive`);
    await ops.send('POST', `/dead-letters/${first}/replay`);
    await ops.send('POST', '/dead-letters/999999999/replay');
    await ops.send('POST', `/dead-letters/${first}/skip`);
    await ops.send('POST', '/dead-letters/999999999/skip');
    await ops.send('GET', '/dead-letters/parked');
    await ops.send('GET', `/dead-letters/parked?queue=${queue}`);
    await ops.refused('GET', '/dead-letters/parked?queue=nowhere');
    await ops.send('POST', `/dead-letters/${second}/replay`);
    await ops.send('POST', '/dead-letters/replay', { body: { ids: [first, second] } });
    await ops.send('POST', '/dead-letters/archive', { body: { queue } });
    await ops.send('POST', '/dead-letters/archive', { body: { group: { queue, type: 'LimitUpdated', code: 'SCHEMA_VIOLATION' } } });
    await ops.send('POST', '/dead-letters/replay/dry-run', { body: { queue } });
    await ops.send('POST', '/dead-letters/999999999/edit', { body: { body: '{}' } });
    await ops.send('POST', `/dead-letters/${first}/edit`, { body: { body: 'not an envelope' } });
    await ops.refused('POST', '/dead-letters/replay/dry-run', { ids: [] });
    await ops.refused('POST', `/dead-letters/${first}/edit`, {});
    await ops.send('POST', '/dead-letters/replay', { body: {} });
    await ops.refused('POST', '/dead-letters/replay', { ids: [] });
    await ops.refused('POST', '/dead-letters/archive', { queue: 'nowhere' });
    await ops.refused('POST', '/dead-letters/archive', { all: false });
    await unreadable(ops, '/dead-letters/replay');

    await ops.send('GET', '/audit');
    const audit = await ops.send('GET', '/audit?producer=account&limit=1');
    if (audit.body.nextCursor) await ops.send('GET', `/audit?producer=account&limit=1&cursor=${audit.body.nextCursor}`);
    await ops.send('GET', '/audit?cursor=not-a-cursor');
    await ops.refused('GET', '/audit?limit=501');
    await ops.refused('GET', '/audit?after=yesterday');

    const actions = await ops.send('GET', '/operator-actions?limit=1');
    if (actions.body.nextCursor) await ops.send('GET', `/operator-actions?limit=1&cursor=${actions.body.nextCursor}`);
    await ops.send('GET', '/operator-actions?operator=bootstrap&action=dead-letter.replay&target=1');
    await ops.send('GET', '/operator-actions?cursor=not-a-cursor');
    await ops.refused('GET', '/operator-actions?limit=501');
    await ops.refused('GET', '/operator-actions?before=tomorrow');

    await ops.send('POST', `/checkouts/${randomUUID()}/compensate`);
    await ops.send('POST', '/checkouts/not-a-uuid/compensate');

    // A merchant's keys, through Ops (which calls Merchant as the admin).
    const keysOf = `/merchants/${await onboardMerchant()}/keys`;
    const firstKey = (await ops.send('GET', keysOf)).body.items[0].id as string;
    await ops.send('GET', `/merchants/${randomUUID()}/keys`);
    await ops.send('GET', '/merchants/not-a-uuid/keys');
    const mintedKey = (await ops.send('POST', keysOf)).body.id as string;
    await ops.send('POST', `/merchants/${randomUUID()}/keys`);
    await ops.send('POST', `${keysOf}/${mintedKey}/roll`, { body: { expiresInHours: 1 } });
    await ops.refused('POST', `${keysOf}/${firstKey}/roll`, { expiresInHours: 1_000 });
    await ops.send('DELETE', `${keysOf}/${mintedKey}`);
    await ops.send('POST', `${keysOf}/${mintedKey}/roll`, { body: { expiresInHours: 1 } });
    await ops.send('DELETE', `${keysOf}/ffffffffffffffff`);
    await ops.send('GET', `/webhook-failures?merchantId=${randomUUID()}&limit=5`);
    await ops.send('GET', '/webhook-failures?cursor=bm90LWEtY3Vyc29y');
    await ops.refused('GET', '/webhook-failures?limit=500');
    await ops.send('POST', '/webhook-failures/replay', { body: { ids: [randomUUID()] } });
    await ops.refused('POST', '/webhook-failures/replay', { ids: ['not-a-uuid'] });

    const subscriptions = await ops.send('GET', '/subscriptions');
    expect(subscriptions.status).toBe(200);
    const name = 'fraud.account-events';
    await ops.send('POST', `/subscriptions/${name}/pause`);
    await ops.send('POST', `/subscriptions/${name}/resume`);
    const cursor = subscriptions.body.subscriptions.find((s: { name: string }) => s.name === name).cursorPosition;
    await ops.send('POST', `/subscriptions/${name}/rewind`, { body: { toPosition: Number(cursor) } });
    await ops.refused('POST', `/subscriptions/${name}/rewind`, { toPosition: -1 });
    await ops.send('POST', `/subscriptions/${name}/redeliver`, { body: { streamId: `account-${randomUUID()}`, fromVersion: 1 } });
    await ops.send('POST', '/subscriptions/nobody.account-events/redeliver', { body: { streamId: 'account-x', fromVersion: 1 } });
    await ops.refused('POST', `/subscriptions/${name}/redeliver`, { streamId: 'account-x', fromVersion: 0 });
    await ops.send('POST', '/subscriptions/nobody.account-events/pause');
    await ops.send('POST', '/subscriptions/producers/account/rebase');
    await ops.send('POST', '/subscriptions/producers/nobody/rebase');

    // Ops registers only a consumer whose queues the provisioning made; a producer's refusals pass through.
    const unprovisioned = await ops.send('POST', '/subscriptions', { body: { name: 'nobody.account-events', from: 'now' } });
    expect(unprovisioned.body.code).toBe('CONSUMER_NOT_PROVISIONED');
    await platform.addConsumer('reporting', ['account']);
    const reporting = 'reporting.account-events';
    expect((await ops.send('POST', '/subscriptions', { body: { name: reporting, from: '0', eventTypes: [] } })).status).toBe(201);
    expect((await ops.send('GET', '/subscriptions')).status).toBe(200);
    expect((await ops.send('POST', '/subscriptions', { body: { name: reporting, from: 'now' } })).body.code).toBe('SUBSCRIPTION_EXISTS');
    expect((await ops.send('POST', '/subscriptions', { body: { name, from: 'now' } })).body.code).toBe('RESERVED_CONSUMER');
    expect((await ops.send('POST', '/subscriptions', { body: { name: 'bi.nowhere-events', from: 'now' } })).status).toBe(404);
    await ops.refused('POST', '/subscriptions', { name: reporting, from: 'yesterday' });
    expect((await ops.send('POST', `/subscriptions/${reporting}/remove`, { body: {} })).body.code).toBe('CONFIRMATION_REQUIRED');
    await ops.refused('POST', `/subscriptions/${reporting}/remove`, { confirm: 42 });
    expect((await ops.send('POST', `/subscriptions/${name}/remove`, { body: { confirm: name } })).body.code).toBe('DEFAULT_SUBSCRIPTION');
    expect((await ops.send('POST', `/subscriptions/${reporting}/remove`, { body: { confirm: reporting } })).status).toBe(200);
    await drivePlatformRoutes(ops);
    expectConformant(ops);
  });
});
