import { TestPlatform } from '@app/testing';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from './support/checkout-fixtures';
import { closeConnections, send } from './support/http';
import { runOpsCli, startPlatform } from './support/ops-e2e-support';

interface Failure {
  id: string;
  merchantId: string;
  endpointId: string;
  status: string;
  attempts: number;
  lastStatusCode?: number;
}

/** A merchant's server: answers 500 while `healthy` is false, else checks the signature as a merchant would and keeps the notification. */
class Receiver {
  healthy = false;
  secrets: string[] = [];
  readonly received: { id: string; body: string }[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = this.secrets.some((secret) => verified(secret, String(request.headers['checkout-signature'] ?? ''), body));
      const status = !this.healthy ? 500 : signed ? 200 : 400;
      if (status === 200) this.received.push({ id: String(request.headers['checkout-webhook-id']), body });
      response.writeHead(status).end();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function verified(secret: string, header: string, body: string): boolean {
  const items = header.split(',').map((item) => item.split('=', 2));
  const t = Number(items.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return items.some(([key, value]) => key === 'v1' && value?.length === 64 && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

/**
 * Failed merchant webhook deliveries in Ops' dead-letter tools: a delivery to a 500-ing endpoint runs
 * out of a compressed retry schedule, Ops lists it (paged, filtered), a viewer's replay is refused and
 * recorded, and an operator's replay re-delivers it, signed, once the endpoint is healthy.
 */
describe('Ops: failed merchant webhook deliveries', () => {
  let platform: TestPlatform;
  const receiver = new Receiver();
  const credentials: Record<string, string> = {};

  const ops = async (credential: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.url('ops')}${path}`, {
      method,
      headers: { authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const failures = async (query: string) =>
    (await ops(credentials.viewer, 'GET', `/webhook-failures?${query}`)).body as { items: Failure[]; nextCursor: string | null };

  /** A merchant with an endpoint at `path` of the receiver; answers their ids. */
  const merchantWithEndpoint = async (path: string) => {
    const merchant = await send(platform.url('merchant'), 'POST', '/merchants', {
      name: 'Hopper Hats',
      country: 'GB',
      bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' },
    });
    const auth = { authorization: `Bearer ${merchant.body.apiKey}` };
    const endpoint = await send(
      platform.url('merchant'),
      'POST',
      `/merchants/${merchant.body.id}/webhook-endpoints`,
      { url: receiver.url(path), events: ['checkout.completed'] },
      auth,
    );
    expect(endpoint.status).toBe(201);
    receiver.secrets.push(endpoint.body.secret);
    const test = async () => {
      const sent = await send(
        platform.url('merchant'),
        'POST',
        `/merchants/${merchant.body.id}/webhook-endpoints/${endpoint.body.id}/test`,
        undefined,
        auth,
      );
      expect(sent.status).toBe(202);
      return String(sent.body.id);
    };
    return { merchantId: String(merchant.body.id), endpointId: String(endpoint.body.id), test };
  };

  beforeAll(async () => {
    await receiver.start();
    platform = await startPlatform(['merchant', 'ops'], {
      WEBHOOK_DEVELOPMENT_MODE: 'true',
      // Three attempts within about three seconds (the worker also cools an endpoint down 1 s after a failure).
      WEBHOOK_RETRY_SCHEDULE: '300ms,300ms',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_TIMEOUT_MS: '1500',
    });
    for (const role of ['viewer', 'operator'] as const) credentials[role] = await platform.addOperator(`hooks-${role}`, role);
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
    await receiver.stop();
  });

  it('lists exhausted deliveries, refuses a viewer’s replay and re-delivers an operator’s', async () => {
    const [shop, other] = [await merchantWithEndpoint('shop'), await merchantWithEndpoint('other')];
    const mine = [await shop.test(), await shop.test()];
    const theirs = await other.test();

    // Exhausted after three 500s: Ops lists them, filtered by merchant and endpoint, one page at a time.
    const failedOfShop = await waitFor(async () => {
      const page = await failures(`merchantId=${shop.merchantId}`);
      return page.items.length === 2 && page.items;
    }, 'both deliveries to fail for good');
    expect(failedOfShop.map((f) => f.id).sort()).toEqual([...mine].sort());
    for (const failure of failedOfShop) {
      expect(failure).toMatchObject({
        merchantId: shop.merchantId,
        endpointId: shop.endpointId,
        status: 'failed',
        attempts: 3,
        lastStatusCode: 500,
      });
    }
    const first = await failures(`merchantId=${shop.merchantId}&limit=1`);
    const second = await failures(`merchantId=${shop.merchantId}&limit=1&cursor=${first.nextCursor}`);
    expect([first.items.length, second.items.length, second.nextCursor]).toEqual([1, 1, null]);
    expect([first.items[0].id, second.items[0].id].sort()).toEqual([...mine].sort());
    const byEndpoint = await waitFor(
      async () => (await failures(`endpointId=${other.endpointId}`)).items.find((f) => f.id === theirs),
      'the other failure',
    );
    expect(byEndpoint.merchantId).toBe(other.merchantId);
    expect((await ops(credentials.viewer, 'GET', '/webhook-failures?cursor=bm90LWEtY3Vyc29y')).body.code).toBe('INVALID_CURSOR');

    // The CLI lists them too, for a viewer.
    const cli = await runOpsCli(['webhook-failures', '--limit', '100'], { OPS_URL: platform.url('ops'), OPS_TOKEN: credentials.viewer });
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toContain(theirs);

    // A viewer may look but not replay: 403, recorded as theirs.
    const refused = await ops(credentials.viewer, 'POST', '/webhook-failures/replay', { ids: mine });
    expect(refused.status).toBe(403);
    // Recorded once answered (OperatorActionRecorder's onResponse hook): wait for the row.
    const recordedRefusal = await waitFor(async () => {
      const actions = await ops(credentials.operator, 'GET', '/operator-actions?action=webhook-deliveries.replay&operator=hooks-viewer');
      return (actions.body.items as Record<string, unknown>[])[0];
    }, 'the refusal to be recorded');
    expect(recordedRefusal).toMatchObject({ actor: 'hooks-viewer', action: 'webhook-deliveries.replay', outcome: 403 });
    expect(receiver.received).toHaveLength(0);

    // The endpoint is healthy again: an operator replays many at once; each arrives signed, with its notification id.
    receiver.healthy = true;
    const unknown = randomUUID();
    const replayed = await ops(credentials.operator, 'POST', '/webhook-failures/replay', { ids: [...mine, theirs, unknown] });
    expect(replayed.status).toBe(200);
    expect(replayed.body.replayed.sort()).toEqual([...mine, theirs].sort());
    expect([replayed.body.skipped, replayed.body.waitingForEndpoint]).toEqual([[unknown], []]);
    await waitFor(async () => receiver.received.length >= 3 || undefined, 'the replayed notifications');
    expect(receiver.received.map((r) => r.id).sort()).toEqual([...mine, theirs].sort());
    expect((await failures(`merchantId=${shop.merchantId}`)).items).toEqual([]);
    const recorded = await waitFor(async () => {
      const actions = await ops(credentials.operator, 'GET', '/operator-actions?action=webhook-deliveries.replay&operator=hooks-operator');
      return (actions.body.items as Record<string, unknown>[])[0];
    }, 'the replay to be recorded');
    expect(recorded).toMatchObject({ actor: 'hooks-operator', outcome: 200 });

    // Replaying one that is delivered now changes nothing: it is the merchant's to replay.
    const again = await runOpsCli(['webhook-failures', 'replay', theirs], {
      OPS_URL: platform.url('ops'),
      OPS_TOKEN: credentials.operator,
    });
    expect([again.code, again.stdout]).toEqual([1, expect.stringContaining(`left as they are: ${theirs}`)]);
  }, 90_000);
});
