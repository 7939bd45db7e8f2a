import { AmqpConnection, ConfirmPublisher, OutgoingMessage } from '@app/messaging';
import { TestPlatform, eventually } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { bodyOf, send } from './support/http';

const SALES_QUEUE = 'merchant.checkout-events';

/** An envelope as Checkout's relay would put it on the queue (docs/architecture.md#queues-and-messages). */
const envelope = (
  type: string,
  streamId: string,
  streamVersion: number,
  data: unknown,
  occurredAt = new Date().toISOString(),
): OutgoingMessage => {
  const eventId = randomUUID();
  const body = { eventId, type, schemaVersion: 1, streamId, streamVersion, globalPosition: '1', occurredAt, data, metadata: {} };
  const headers = type === '$rebuild' ? { 'x-control': '$rebuild' } : {};
  return { content: Buffer.from(JSON.stringify(body)), options: { messageId: eventId, type, contentType: 'application/json', headers } };
};

/** The Merchant service as a real process: its write side over HTTP and its sales ledger fed through its queue. */
describe('Merchant, as a real process', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['merchant']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const merchant = (method: string, path: string, body?: unknown) => send(platform.url('merchant'), method, path, body);

  const onboard = async () =>
    bodyOf<{ id: string }>(
      await merchant('POST', '/merchants', {
        name: 'Lovelace Books',
        country: 'GB',
        bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'nwbkgb2l' },
      }),
      201,
    ).id;

  it('onboards a merchant, changes its bank account, suspends and reinstates it, each visible at once', async () => {
    const id = await onboard();
    expect(bodyOf(await merchant('GET', `/merchants/${id}`), 200)).toEqual({
      id,
      name: 'Lovelace Books',
      country: 'GB',
      bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' },
      status: 'active',
      version: 1,
    });

    expect(bodyOf(await merchant('GET', `/merchants/${id.toUpperCase()}`), 200)).toMatchObject({ id, version: 1 });

    const changed = await merchant('PUT', `/merchants/${id}/bank-account`, { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    expect(bodyOf(changed, 200)).toMatchObject({ bankAccount: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, version: 2 });

    // Served from the stream: Checkout's synchronous check sees a suspension without waiting for any projection.
    bodyOf(await merchant('POST', `/merchants/${id}/suspend`, { reason: 'chargebacks' }), 200);
    expect(bodyOf(await merchant('GET', `/merchants/${id}`), 200)).toMatchObject({
      status: 'suspended',
      suspensionReason: 'chargebacks',
      version: 3,
    });
    expect(bodyOf(await merchant('POST', `/merchants/${id}/suspend`), 200)).toMatchObject({ status: 'suspended', version: 3 });
    expect(bodyOf(await merchant('POST', `/merchants/${id}/reinstate`), 200)).toMatchObject({ status: 'active', version: 4 });
  });

  it('builds the sales ledger from CheckoutCompleted, once per event, and dead-letters a malformed one', async () => {
    const merchantId = await onboard();
    const accountId = randomUUID();
    const [first, second, broken] = [randomUUID(), randomUUID(), randomUUID()];
    const completed = (checkoutId: string, total: unknown, currency: string, occurredAt: string) =>
      envelope('CheckoutCompleted', `checkout-${checkoutId}`, 1, { checkoutId, accountId, merchantId, total, currency }, occurredAt);
    const firstSale = completed(first, 2_500, 'EUR', '2026-01-01T10:00:00.000Z');
    const sales = async () => bodyOf<{ count: number }>(await merchant('GET', `/merchants/${merchantId}/sales`), 200);

    const connection = new AmqpConnection({ url: platform.amqpUrl, name: 'e2e-checkout-stand-in' });
    await connection.start();
    const publisher = new ConfirmPublisher(connection);
    const channel = await connection.current().createChannel();
    try {
      // The first sale is delivered twice, as a redelivery would: it must count once.
      await publisher.publish(SALES_QUEUE, [
        firstSale,
        firstSale,
        completed(second, 900, 'GBP', '2026-01-01T11:00:00.000Z'),
        completed(broken, 12.5, 'EUR', '2026-01-01T12:00:00.000Z'),
      ]);
      await eventually(async () => (await channel.checkQueue(`${SALES_QUEUE}.dlq`)).messageCount === 1);
      const ledger = await eventually(async () => {
        const body = await sales();
        return body.count === 2 ? body : undefined;
      });
      expect(ledger).toEqual({
        merchantId,
        count: 2,
        totals: [
          { currency: 'EUR', total: 2_500, count: 1 },
          { currency: 'GBP', total: 900, count: 1 },
        ],
        lastSales: [
          { checkoutId: second, accountId, total: 900, currency: 'GBP', completedAt: '2026-01-01T11:00:00.000Z' },
          { checkoutId: first, accountId, total: 2_500, currency: 'EUR', completedAt: '2026-01-01T10:00:00.000Z' },
        ],
      });
      expect(bodyOf(await merchant('GET', `/merchants/${merchantId}/sales?last=1`), 200)).toMatchObject({
        count: 2,
        lastSales: [{ checkoutId: second }],
      });

      // A rewind to 0 puts the rebuild marker first: the ledger empties, and the history replayed after it counts again.
      await publisher.publish(SALES_QUEUE, [envelope('$rebuild', `$subscription-${SALES_QUEUE}`, 0, { queue: SALES_QUEUE })]);
      await eventually(async () => (await sales()).count === 0);
      await publisher.publish(SALES_QUEUE, [firstSale]);
      await eventually(async () => (await sales()).count === 1);
    } finally {
      await channel.close().catch(() => undefined);
      await publisher.close();
      await connection.close();
    }
  });

  describe('answers bad input on every route with 4xx problem+json, never 5xx', () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const bank = { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' };
    let known = '';
    beforeAll(async () => {
      known = await onboard();
    });
    // `{known}` stands for an onboarded merchant, `{unknown}` for an id nobody has used.
    const cases: [string, string, number, string, unknown][] = [
      ['POST', '/merchants', 400, 'VALIDATION_FAILED', { name: 'x', country: 'GB' }],
      ['POST', '/merchants', 400, 'VALIDATION_FAILED', { name: 'x', country: 'GB', bankAccount: bank, extra: 1 }],
      ['POST', '/merchants', 400, 'VALIDATION_FAILED', { name: 'x', country: 'XX', bankAccount: bank }],
      ['POST', '/merchants', 400, 'VALIDATION_FAILED', { name: 'x', country: 'GB', bankAccount: [bank] }],
      ['POST', '/merchants', 400, 'INVALID_NAME', { name: ' ', country: 'GB', bankAccount: bank }],
      ['POST', '/merchants', 400, 'INVALID_IBAN', { name: 'x', country: 'GB', bankAccount: { ...bank, iban: 'GB82WEST12345698765431' } }],
      ['POST', '/merchants', 400, 'INVALID_BIC', { name: 'x', country: 'GB', bankAccount: { ...bank, bic: 'NWBK' } }],
      ['POST', '/merchants', 400, 'MALFORMED_JSON', '{"name": "x",'],
      ['GET', '/merchants/not-a-uuid', 400, 'BAD_REQUEST', undefined],
      ['GET', '/merchants/{unknown}', 404, 'MERCHANT_NOT_FOUND', undefined],
      ['PUT', '/merchants/{known}/bank-account', 400, 'VALIDATION_FAILED', { iban: 42, bic: 'NWBKGB2L' }],
      ['PUT', '/merchants/{known}/bank-account', 400, 'INVALID_IBAN', { iban: 'DE89370400440532013001', bic: 'COBADEFF' }],
      ['PUT', '/merchants/{unknown}/bank-account', 404, 'MERCHANT_NOT_FOUND', bank],
      ['PUT', '/merchants/not-a-uuid/bank-account', 400, 'BAD_REQUEST', bank],
      ['POST', '/merchants/{known}/suspend', 400, 'VALIDATION_FAILED', { reason: 7 }],
      ['POST', '/merchants/{unknown}/suspend', 404, 'MERCHANT_NOT_FOUND', {}],
      ['POST', '/merchants/{unknown}/reinstate', 404, 'MERCHANT_NOT_FOUND', undefined],
      ['POST', '/merchants/not-a-uuid/reinstate', 400, 'BAD_REQUEST', undefined],
      ['GET', '/merchants/{known}/sales?last=many', 400, 'VALIDATION_FAILED', undefined],
      ['GET', '/merchants/{known}/sales?last=101', 400, 'VALIDATION_FAILED', undefined],
      ['GET', '/merchants/{unknown}/sales', 404, 'MERCHANT_NOT_FOUND', undefined],
    ];
    it.each(cases)('%s %s → %d %s, given %j', async (method, route, status, code, body) => {
      const response = await merchant(method, route.replace('{known}', known).replace('{unknown}', unknown), body);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status, code } });
    });

    it('recorded nothing for the refused changes', async () =>
      expect(bodyOf(await merchant('GET', `/merchants/${known}`), 200)).toMatchObject({ status: 'active', version: 1 }));
  });
});
