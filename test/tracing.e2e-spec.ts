import { TestPlatform, eventually } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { checkoutBody, openAccount, postCheckout } from './support/checkout-fixtures';
import { closeConnections, send } from './support/http';
import { OtlpReceiver, ReceivedSpan, traceAsText } from './support/otlp-receiver';

const SERVICES = ['account', 'merchant', 'fraud', 'payment-provider', 'checkout', 'ops'] as const;

/** The consumers a completed checkout's events reach (libs/contracts routing), each of which must join its trace. */
const CONSUMERS = [
  'process fraud.checkout-events',
  'process merchant.checkout-events',
  'process ops.checkout-events',
  'process fraud.account-events',
  'process account.account-events',
  'process ops.account-events',
  'process ops.fraud-events',
];

/** One checkout through all six services, traced into an OTLP receiver run by the spec. */
describe('One trace per checkout', () => {
  let platform: TestPlatform;
  let receiver: OtlpReceiver;
  // The merchant's webhook endpoint: it answers 204 to every notification.
  const shop: Server = createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    platform = await TestPlatform.start([...SERVICES], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      LOG_LEVEL: 'info',
      WEBHOOK_DEVELOPMENT_MODE: 'true',
    });
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
    receiver?.close();
    shop.close();
  });

  it('joins HTTP, appends, publishes, every consumer’s apply and the webhook delivery in one trace, each span under its parent, and logs its id', async () => {
    const urlOf = (service: (typeof SERVICES)[number]) => platform.url(service);
    const onboarded = await send(urlOf('merchant'), 'POST', '/merchants', {
      name: 'Analytical Engines Ltd',
      country: 'GB',
      bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
    });
    const merchantId = String(onboarded.body.id);
    const endpoint = await send(
      urlOf('merchant'),
      'POST',
      `/merchants/${merchantId}/webhook-endpoints`,
      { url: `http://127.0.0.1:${(shop.address() as AddressInfo).port}/hooks`, events: ['checkout.completed'] },
      { authorization: `Bearer ${String(onboarded.body.apiKey)}` },
    );
    expect(endpoint.status).toBe(201);
    const accountId = await openAccount(urlOf, 100_000);
    const answer = await postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId));
    expect(answer.body).toMatchObject({ status: 'completed' });

    const root = await eventually(() =>
      receiver.spans.find((span) => span.service === 'checkout' && span.name === 'POST /checkouts' && span.parentSpanId === ''),
    );
    const complete = (spans: ReceivedSpan[]) => {
      const ids = new Set(spans.map((span) => span.spanId));
      return (
        SERVICES.every((service) => spans.some((span) => span.service === service)) &&
        CONSUMERS.every((name) => spans.some((span) => span.name === name)) &&
        spans.some((span) => span.name === 'webhook deliver') &&
        spans.every((span) => span === root || ids.has(span.parentSpanId))
      );
    };
    // Spans arrive in each service's export batches, a second apart.
    const spans = await eventually(() => complete(receiver.trace(root.traceId)) && receiver.trace(root.traceId), 30_000);
    process.stdout.write(`The trace of one checkout:\n${traceAsText(spans)}\n`);

    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(SERVICES));
    // One root, and every other span's parent is in the trace.
    const ids = new Set(spans.map((span) => span.spanId));
    expect(spans.filter((span) => !ids.has(span.parentSpanId)).map((span) => span.name)).toEqual(['POST /checkouts']);

    const parentOf = (span: ReceivedSpan) => spans.find((candidate) => candidate.spanId === span.parentSpanId)!;
    // Across processes: each call's server span is a child of the caller's client span.
    for (const service of ['account', 'merchant', 'fraud', 'payment-provider'] as const) {
      const served = spans.filter((span) => span.service === service && span.attributes['http.route'] !== undefined);
      expect({ service, served: served.length > 0 }).toEqual({ service, served: true });
      for (const span of served) expect(parentOf(span)).toMatchObject({ service: 'checkout', name: expect.stringMatching(` ${service}$`) });
    }
    // Across transactions: a publish continues its append, and an apply its publish.
    for (const apply of spans.filter((span) => span.name.startsWith('process '))) {
      const publish = parentOf(apply);
      expect(publish).toMatchObject({
        name: `publish ${apply.name.slice('process '.length)}`,
        attributes: { 'event.type': apply.attributes['event.type'] },
      });
      expect(parentOf(publish).name).toMatch(/^(append |POST \/assessments$)/);
    }
    // The webhook delivery continues the append of the event it notifies of.
    const delivery = spans.find((span) => span.name === 'webhook deliver')!;
    expect(delivery).toMatchObject({ service: 'merchant', attributes: { 'webhook.event.type': 'checkout.completed' } });
    expect(parentOf(delivery)).toMatchObject({ service: 'checkout', name: expect.stringMatching(/^append /) });

    // The checkout's log lines carry its trace id.
    const lines = platform
      .output('checkout')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { trace_id?: string; req?: { url?: string } });
    expect(lines.filter((line) => line.req?.url === '/checkouts').map((line) => line.trace_id)).toContain(root.traceId);
  });
});
