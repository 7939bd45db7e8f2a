import { TestPlatform } from '@app/testing';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { UrlOf, checkoutBody, openAccount, waitFor } from './support/checkout-fixtures';
import { closeConnections, send } from './support/http';

interface Shop {
  id: string;
  apiKey: string;
}

interface Received {
  at: number;
  id: string;
  body: string;
  headers: IncomingHttpHeaders;
  payload: { id: string; type: string; createdAt: string; data: Record<string, any> };
}

/** What a merchant's own server does with a notification: check `t` within 5 minutes and one v1 against its secret. */
function verifiedAsAMerchantWould(secret: string, header: string, body: string): boolean {
  const items = header.split(',').map((item) => item.split('=', 2));
  const t = Number(items.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return items.some(([key, value]) => key === 'v1' && value?.length === 64 && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

/** A merchant's receiving server on a port of its own: it may be stopped, slowed, or made to fail. */
class Receiver {
  readonly received: Received[] = [];
  mode: 'ok' | 'slow' | 'fail' = 'ok';
  secrets: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = String(request.headers['checkout-signature'] ?? '');
        const answer = (status: number) => response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
        if (this.mode === 'fail') return answer(500);
        if (this.mode === 'slow') return void setTimeout(() => answer(200), 4_000);
        if (!this.secrets.some((secret) => verifiedAsAMerchantWould(secret, header, body))) return answer(400);
        this.received.push({
          at: Date.now(),
          id: String(request.headers['checkout-webhook-id']),
          body,
          headers: request.headers,
          payload: JSON.parse(body),
        });
        answer(200);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.payload.type === type);
  }
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

/** Signed webhooks as a merchant receives them, through an endpoint's outage, next to a slow one and a failing one. */
describe('Merchants: signed webhooks', () => {
  let platform: TestPlatform;
  let urlOf: UrlOf;
  const receivers = { good: new Receiver(), outage: new Receiver(), slow: new Receiver(), failing: new Receiver() };

  const onboard = async (): Promise<Shop> => {
    const answer = await send(urlOf('merchant'), 'POST', '/merchants', {
      name: 'Lovelace Looms',
      country: 'GB',
      bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' },
    });
    expect(answer.status).toBe(201);
    return answer.body as Shop;
  };
  const as = (shop: Shop) => ({ authorization: `Bearer ${shop.apiKey}` });
  const hooks = (shop: Shop, method: string, path: string, body?: unknown) =>
    send(urlOf('merchant'), method, `/merchants/${shop.id}/webhook-endpoints${path}`, body, as(shop));
  const register = async (shop: Shop, receiver: Receiver, events = ['checkout.completed', 'checkout.rejected']) => {
    const created = await hooks(shop, 'POST', '', { url: receiver.url, events });
    expect([created.status, created.body.state, created.body.secret]).toEqual([201, 'enabled', expect.stringMatching(/^whsec_/)]);
    receiver.secrets = [created.body.secret];
    return String(created.body.id);
  };
  const checkout = async (shop: Shop, accountId: string, price: number) => {
    const started = Date.now();
    const answer = await send(urlOf('checkout'), 'POST', '/checkouts', checkoutBody(accountId, shop.id, price), {
      ...as(shop),
      'idempotency-key': randomUUID(),
    });
    expect(answer.status).toBe(200);
    return { id: String(answer.body.checkoutId), status: String(answer.body.status), answeredAt: Date.now(), tookMs: Date.now() - started };
  };

  beforeAll(async () => {
    await Promise.all(Object.values(receivers).map((r) => r.start()));
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], {
      FRAUD_VELOCITY_MAX_PER_MINUTE: '1000000',
      WEBHOOK_DEVELOPMENT_MODE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '2s,3s,5s,10s,10s,10s,10s,10s,10s,10s',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_DISABLE_AFTER: '75s',
    });
    urlOf = (service) => platform.url(service);
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.stop()));
  });

  it('refuses URLs it may not send to, duplicates, and endpoints of other merchants', async () => {
    const [shop, other] = [await onboard(), await onboard()];
    const refused = async (url: string) => {
      const answer = await hooks(shop, 'POST', '', { url, events: ['checkout.completed'] });
      return [answer.status, answer.contentType, answer.body.code];
    };
    const problem = [400, 'application/problem+json', 'WEBHOOK_URL_REFUSED'];
    expect(await refused('http://shop.example/hooks')).toEqual(problem);
    expect(await refused(`https://shop.example/${'a'.repeat(2_100)}`)).toEqual(problem);
    expect(await refused('https://0.0.0.0/hooks')).toEqual(problem);
    expect(await refused(`http://127.0.0.1:${new URL(urlOf('merchant')).port}/merchants`)).toEqual(problem);
    expect((await hooks(shop, 'POST', '', { url: receivers.good.url, events: ['checkout.shipped'] })).status).toBe(400);
    const id = await register(shop, new Receiver());
    expect((await hooks(shop, 'POST', '', { url: 'http://127.0.0.1:0/hooks', events: ['checkout.completed'] })).status).toBe(409);
    const foreign = await hooks(other, 'GET', `/${id}`);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'WEBHOOK_ENDPOINT_NOT_FOUND']);
    expect((await send(urlOf('merchant'), 'GET', `/merchants/${shop.id}/webhook-endpoints`, undefined, as(other))).status).toBe(403);
    const listed = await hooks(shop, 'GET', '');
    expect(listed.body.items.map((e: Record<string, unknown>) => [e.id, 'secret' in e])).toEqual([[id, false]]);
    expect((await hooks(shop, 'DELETE', `/${id}`)).status).toBe(200);
    expect((await hooks(shop, 'GET', `/${id}`)).status).toBe(404);
  });

  it('delivers signed notifications through an outage of a minute, a slow endpoint and a failing one, without slowing others', async () => {
    const [good, outage, slow, failing] = [await onboard(), await onboard(), await onboard(), await onboard()];
    const goodId = await register(good, receivers.good);
    const outageId = await register(outage, receivers.outage);
    await register(slow, receivers.slow);
    const failingId = await register(failing, receivers.failing);
    receivers.slow.mode = 'slow';
    receivers.failing.mode = 'fail';
    const [rich, poor] = [await openAccount(urlOf, 10_000_000), await openAccount(urlOf, 100)];

    // A test event, then a completed and a rejected checkout: each arrives signed, in the merchant view.
    const test = await hooks(good, 'POST', `/${goodId}/test`);
    expect(test.status).toBe(202);
    await waitFor(async () => receivers.good.received.find((r) => r.id === test.body.id), 'the test notification');
    const completed = await checkout(good, rich, 1_500);
    const rejected = await checkout(good, poor, 1_500);
    expect([completed.status, rejected.status]).toEqual(['completed', 'rejected']);
    const done = await waitFor(
      async () => receivers.good.of('checkout.completed').find((r) => r.payload.data.id === completed.id),
      'checkout.completed',
    );
    const refusal = await waitFor(
      async () => receivers.good.of('checkout.rejected').find((r) => r.payload.data.id === rejected.id),
      'checkout.rejected',
    );
    expect(Object.keys(done.payload.data).sort()).toEqual([
      'createdAt',
      'currency',
      'id',
      'items',
      'outcome',
      'status',
      'total',
      'updatedAt',
    ]);
    expect(done.payload).toMatchObject({ id: done.id, data: { status: 'completed', total: 1_500, outcome: { code: 'succeeded' } } });
    expect(refusal.payload.data).toMatchObject({ status: 'rejected', outcome: { code: 'insufficient_funds' } });
    expect(refusal.body).not.toMatch(/INSUFFICIENT_FUNDS|accountId|balance/);

    // The outage: the endpoint is gone for a minute while the others keep receiving and failing.
    await receivers.outage.stop();
    const missed = await checkout(outage, rich, 2_000);
    const goodLatencies: number[] = [];
    const checkoutLatencies: number[] = [];
    const outageEnds = Date.now() + 60_000;
    while (Date.now() < outageEnds) {
      await checkout(slow, rich, 100);
      await checkout(failing, rich, 100);
      const mine = await checkout(good, rich, 300);
      checkoutLatencies.push(mine.tookMs);
      const arrived = await waitFor(
        async () => receivers.good.of('checkout.completed').find((r) => r.payload.data.id === mine.id),
        'a good notification',
      ).catch(async (error: Error) => {
        const log = await hooks(good, 'GET', `/${goodId}/deliveries?limit=3`);
        throw new Error(`${error.message}; its endpoint's log: ${JSON.stringify(log.body)}`);
      });
      goodLatencies.push(arrived.at - mine.answeredAt);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await receivers.outage.start();
    const late = await waitFor(
      async () => receivers.outage.of('checkout.completed').find((r) => r.payload.data.id === missed.id),
      'the notification after the outage',
      30_000,
    );
    expect(late.payload.data).toMatchObject({ id: missed.id, total: 2_000, status: 'completed' });
    const outageLog = await hooks(outage, 'GET', `/${outageId}/deliveries`);
    expect(outageLog.body.items[0]).toMatchObject({ id: late.id, status: 'delivered', lastStatusCode: 200 });
    expect(outageLog.body.items[0].attempts).toBeGreaterThanOrEqual(4);

    // Slow (4 s, past the 1.5 s timeout) and failing endpoints never held back the good one, nor checkout.
    const summary = {
      goodP50: percentile(goodLatencies, 50),
      goodMax: Math.max(...goodLatencies),
      checkoutMax: Math.max(...checkoutLatencies),
      samples: goodLatencies.length,
    };
    process.stdout.write(`webhook latency while others fail: ${JSON.stringify(summary)}\n`);
    expect(summary.samples).toBeGreaterThanOrEqual(10);
    expect(summary.goodMax).toBeLessThan(1_500);
    expect(summary.checkoutMax).toBeLessThan(3_000);
    expect(receivers.slow.received).toHaveLength(0);

    // The failing endpoint: its log says why, and it is disabled after failing for 75 s; its merchant enables it again.
    const failingLog = await hooks(failing, 'GET', `/${failingId}/deliveries?status=pending&limit=100`);
    const tried = failingLog.body.items.filter((item: { attempts: number }) => item.attempts > 0);
    expect(tried.length).toBeGreaterThan(0);
    for (const item of tried) expect(item).toMatchObject({ lastStatusCode: 500, lastError: expect.stringMatching(/^HTTP_500/) });
    const disabled = await waitFor(
      async () => {
        const endpoint = await hooks(failing, 'GET', `/${failingId}`);
        return endpoint.body.state === 'disabled' && endpoint.body;
      },
      'the failing endpoint to be disabled',
      30_000,
    );
    expect(disabled.disabledReason).toBe('failing');
    receivers.failing.mode = 'ok';
    expect((await hooks(failing, 'POST', `/${failingId}/enable`)).body.state).toBe('enabled');
    const replayed = await hooks(failing, 'POST', `/${failingId}/deliveries/replay`, {});
    expect(replayed.status).toBe(200);
    await waitFor(
      async () => (await hooks(failing, 'GET', `/${failingId}/deliveries?status=delivered`)).body.items.length > 0,
      'a delivery after re-enabling',
    );
  }, 240_000);

  it('signs with both secrets during a rotation, and a replay sends the same notification id again', async () => {
    const shop = await onboard();
    const receiver = await new Receiver().start();
    try {
      const id = await register(shop, receiver, ['checkout.completed']);
      const [old] = receiver.secrets;
      const rotated = await hooks(shop, 'POST', `/${id}/rotate-secret`, { overlapHours: 1 });
      expect([rotated.status, rotated.body.secret === old, rotated.body.previousSecretExpiresAt]).toEqual([200, false, expect.any(String)]);
      const account = await openAccount(urlOf, 100_000);
      const paid = await checkout(shop, account, 900);
      const first = await waitFor(
        async () => receiver.of('checkout.completed').find((r) => r.payload.data.id === paid.id),
        'the notification',
      );
      const header = String(first.headers['checkout-signature']);
      expect(header.match(/v1=/g)).toHaveLength(2);
      expect(verifiedAsAMerchantWould(rotated.body.secret, header, first.body)).toBe(true);
      expect(verifiedAsAMerchantWould(old, header, first.body)).toBe(true);

      receiver.secrets = [rotated.body.secret];
      expect((await hooks(shop, 'POST', `/${id}/deliveries/replay`, { deliveryIds: [first.id] })).body.replayed).toEqual([first.id]);
      const again = await waitFor(async () => receiver.received.filter((r) => r.id === first.id)[1], 'the replay');
      expect(again.body).toBe(first.body);
    } finally {
      await receiver.stop();
    }
  });
});
