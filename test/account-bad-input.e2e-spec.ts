import { TestPlatform, asOperator } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { anonymous, send } from './support/http';

interface Probe {
  method: string;
  path: string;
  /** A raw body, sent as it is (so malformed JSON can be sent too). */
  body?: string;
  contentType?: string;
  status: number;
  code?: string;
  /** Sent without the operator's credential. */
  anonymous?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);

/** Every Account route refuses bad input with a 4xx problem+json, never a 5xx, and records nothing. */
describe('Account service, refusing bad input', () => {
  let platform: TestPlatform;
  let id: string;
  const unknown = randomUUID();
  const address = { street: 'Kaivokatu 1', city: 'Helsinki', zip: '00100' };
  const account = { name: 'Tove', lastName: 'Jansson', country: 'FI', address, limit: 1_000, currency: 'EUR' };

  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
    id = (await send(platform.url('account'), 'POST', '/accounts', account)).body.id;
    const bought = await attempt({
      method: 'POST',
      path: `/accounts/${id}/transactions`,
      body: json({ transactionId: 'kept', amount: 100, currency: 'EUR' }),
      status: 201,
    });
    expect(bought.status).toBe(201);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  /** Sends a probe's raw body with its content type; what is not JSON shows through the content type below. */
  async function attempt(probe: Probe) {
    const answer = await send(platform.url('account'), probe.method, probe.path, probe.body, {
      'content-type': probe.contentType ?? 'application/json',
      ...(probe.anonymous ? anonymous : {}),
    });
    const body: { code?: string; status?: number } = typeof answer.body === 'object' ? answer.body : {};
    return { status: answer.status, type: answer.contentType, code: body.code, bodyStatus: body.status };
  }

  const probes = (): Probe[] => {
    const tx = (body: unknown, status = 400, code = 'VALIDATION_FAILED'): Probe => ({
      method: 'POST',
      path: `/accounts/${id}/transactions`,
      body: json(body),
      status,
      code,
    });
    const purchase = { transactionId: `t-${randomUUID()}`, amount: 10, currency: 'EUR' };
    return [
      // Opening: missing, wrong types, huge numbers, unknown fields, malformed or non-object JSON.
      { method: 'POST', path: '/accounts', body: json({}), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, name: undefined }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, address: undefined }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, address: 'Helsinki' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, address: { street: 'x' } }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, limit: '1000' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, limit: 1e300 }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, limit: 100_000_001 }), status: 422, code: 'LIMIT_EXCEEDED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, limit: -1 }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, country: 'Finland' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, currency: 'EURO' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, phoneNumber: 'call me' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, name: 'x'.repeat(101) }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, admin: true }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json([account]), status: 400 },
      { method: 'POST', path: '/accounts', body: 'null', status: 400 },
      { method: 'POST', path: '/accounts', body: '{"name": "Tove",', status: 400, code: 'MALFORMED_JSON' },
      { method: 'POST', path: '/accounts', body: json(account), contentType: 'text/plain', status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: '/accounts', body: json({ ...account, name: 'x'.repeat(200_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
      // Reading.
      { method: 'GET', path: '/accounts/not-a-uuid', status: 400, code: 'INVALID_ACCOUNT_ID' },
      { method: 'GET', path: `/accounts/${unknown}`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'GET', path: `/accounts/${unknown}/events`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'GET', path: `/accounts/${id}/events?afterVersion=-1`, status: 400, code: 'VALIDATION_FAILED' },
      { method: 'GET', path: `/accounts/${id}/events?limit=abc`, status: 400, code: 'VALIDATION_FAILED' },
      { method: 'GET', path: `/accounts/${id}/events?limit=100000`, status: 400, code: 'VALIDATION_FAILED' },
      { method: 'GET', path: `/accounts/${id}/events?sort=desc`, status: 400, code: 'VALIDATION_FAILED' },
      // The limit.
      { method: 'PUT', path: `/accounts/${id}/limit`, body: json({}), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/limit`, body: json({ limit: 'lots' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/limit`, body: json({ limit: 10.5 }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/limit`, body: json({ limit: 2 ** 64 }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/limit`, body: json({ limit: 100_000_001 }), status: 422, code: 'LIMIT_EXCEEDED' },
      { method: 'PUT', path: `/accounts/${id}/limit`, body: '{limit: 5}', status: 400, code: 'MALFORMED_JSON' },
      { method: 'PUT', path: `/accounts/${unknown}/limit`, body: json({ limit: 5 }), status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'PUT', path: '/accounts/123/limit', body: json({ limit: 5 }), status: 400, code: 'INVALID_ACCOUNT_ID' },
      // The address and phone numbers.
      { method: 'PUT', path: `/accounts/${id}/address`, body: json({ street: 'x', city: 'y' }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/address`, body: json({ ...address, zip: 12345 }), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'PUT', path: `/accounts/${id}/address`, body: '[', status: 400, code: 'MALFORMED_JSON' },
      { method: 'PUT', path: `/accounts/${unknown}/address`, body: json(address), status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'POST', path: `/accounts/${id}/phone-numbers`, body: json({}), status: 400, code: 'VALIDATION_FAILED' },
      { method: 'POST', path: `/accounts/${id}/phone-numbers`, body: json({ phoneNumber: 358 }), status: 400, code: 'VALIDATION_FAILED' },
      {
        method: 'POST',
        path: `/accounts/${id}/phone-numbers`,
        body: json({ phoneNumber: '1'.repeat(40) }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        method: 'POST',
        path: `/accounts/${unknown}/phone-numbers`,
        body: json({ phoneNumber: '+358 1' }),
        status: 404,
        code: 'ACCOUNT_NOT_FOUND',
      },
      // Lock, unlock, VIP.
      { method: 'POST', path: `/accounts/${unknown}/lock`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'POST', path: `/accounts/${unknown}/unlock`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'POST', path: `/accounts/${unknown}/vip`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'POST', path: '/accounts/%00/lock', status: 400, code: 'UNSTORABLE_TEXT' },
      // Purchases.
      tx({}),
      tx({ ...purchase, transactionId: undefined }),
      tx({ ...purchase, transactionId: 42 }),
      tx({ ...purchase, transactionId: 'has spaces' }),
      tx({ ...purchase, transactionId: 'x'.repeat(101) }),
      tx({ ...purchase, amount: '10' }),
      tx({ ...purchase, amount: null }),
      tx({ ...purchase, amount: undefined }),
      tx({ ...purchase, amount: 2 ** 64 }, 400, 'AMOUNT_NOT_INTEGER'),
      tx({ ...purchase, amount: 0.1 }, 400, 'AMOUNT_NOT_INTEGER'),
      tx({ ...purchase, amount: 0 }, 400, 'AMOUNT_NOT_POSITIVE'),
      tx({ ...purchase, amount: 1_000_000 }, 400, 'INSUFFICIENT_FUNDS'),
      tx({ ...purchase, currency: 'usd' }),
      tx({ ...purchase, currency: 'GBP' }, 400, 'CURRENCY_MISMATCH'),
      tx({ ...purchase, merchantId: '' }),
      tx({ ...purchase, reference: { nested: true } }),
      tx({ ...purchase, balance: 1_000_000 }),
      tx({ transactionId: 'kept', amount: 999, currency: 'EUR' }, 409, 'TRANSACTION_ID_REUSED'),
      {
        method: 'POST',
        path: `/accounts/${id}/transactions`,
        body: '{"transactionId": "t", "amount": 1e}',
        status: 400,
        code: 'MALFORMED_JSON',
      },
      { method: 'POST', path: `/accounts/${unknown}/transactions`, body: json(purchase), status: 404, code: 'ACCOUNT_NOT_FOUND' },
      // Refunds.
      { method: 'POST', path: `/accounts/${id}/transactions/never-bought/refund`, status: 404, code: 'TRANSACTION_NOT_FOUND' },
      { method: 'POST', path: `/accounts/${id}/transactions/bad%20id/refund`, status: 400, code: 'INVALID_TRANSACTION_ID' },
      { method: 'POST', path: `/accounts/${id}/transactions/${'x'.repeat(101)}/refund`, status: 400, code: 'INVALID_TRANSACTION_ID' },
      { method: 'POST', path: `/accounts/${unknown}/transactions/kept/refund`, status: 404, code: 'ACCOUNT_NOT_FOUND' },
      { method: 'POST', path: '/accounts/nope/transactions/kept/refund', status: 400, code: 'INVALID_ACCOUNT_ID' },
      // Operator routes without the token.
      { method: 'POST', path: '/subscriptions/account.account-events/rewind', body: json({ toPosition: 0 }), status: 401, anonymous: true },
    ];
  };

  it('answers every bad request with its 4xx problem+json', async () => {
    const answers = [];
    for (const probe of probes()) {
      const answer = await attempt(probe);
      const label = `${probe.method} ${probe.path.slice(0, 80)} ${probe.body?.slice(0, 80) ?? ''}`;
      answers.push({ label, ...answer });
      expect({ label, status: answer.status, code: probe.code === undefined ? undefined : answer.code }).toEqual({
        label,
        status: probe.status,
        code: probe.code,
      });
      expect(answer.type).toContain('application/problem+json');
      expect(answer.bodyStatus).toBe(probe.status);
    }
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
  });

  it('changed nothing: the stream, the open accounts and the unknown account are as before', async () => {
    const stream = await fetch(`${platform.url('account')}/accounts/${id}/events`, asOperator());
    expect(((await stream.json()) as { type: string }[]).map((event) => event.type)).toEqual(['AccountOpened', 'ItemPurchased']);
    expect((await fetch(`${platform.url('account')}/accounts/${unknown}/events`, asOperator())).status).toBe(404);
    const db = new Client({ connectionString: platform.databaseUrl('account') });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(DISTINCT stream_id)::int AS streams FROM account.events`);
      expect(rows[0].streams).toBe(1);
    } finally {
      await db.end();
    }
  });
});
