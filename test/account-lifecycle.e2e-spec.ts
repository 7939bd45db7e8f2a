import { TEST_OPS_TOKEN, accountApplication, eventually, asOperator } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { accountService } from './support/account-service';

/** The account's whole contract over HTTP against a real process: commands, stream, read models, rebuild. */
describe('Account service, as a real process', () => {
  const { account, platform } = accountService();

  const open = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const answer = await account('POST', '/accounts', accountApplication(overrides));
    expect(answer.status).toBe(201);
    return answer.body.id;
  };

  const purchase = (id: string, transactionId: string, amount: number, extra: Record<string, unknown> = {}) =>
    account('POST', `/accounts/${id}/transactions`, { transactionId, amount, currency: 'EUR', ...extra });

  const events = async (id: string) =>
    (await account('GET', `/accounts/${id}/events`)).body as { version: number; type: string; data: any; metadata: any }[];

  const viewAt = (id: string, version: number) =>
    eventually(async () => {
      const answer = await account('GET', `/accounts/${id}`);
      return answer.status === 200 && answer.body.version === version ? answer.body : undefined;
    }, 20_000);

  it('runs an account through its whole life, each command answered from the stream and the view following', async () => {
    const id = await open({ limit: 1_000, phoneNumber: '+44 20 7946 0000' });
    const moved = { street: '2 Difference Rd', city: 'Cambridge', zip: 'CB1' };

    expect(await account('PUT', `/accounts/${id}/limit`, { limit: 5_000 })).toMatchObject({
      status: 200,
      body: { limit: 5_000, balance: 5_000, version: 2 },
    });
    expect(await account('PUT', `/accounts/${id}/address`, moved)).toMatchObject({ status: 200, body: { version: 3 } });
    expect(await account('POST', `/accounts/${id}/phone-numbers`, { phoneNumber: '+44 7700 900000' })).toMatchObject({
      status: 200,
      body: { version: 4 },
    });
    expect(await account('POST', `/accounts/${id}/vip`)).toMatchObject({ status: 200, body: { vip: true, version: 5 } });
    const correlation = { 'x-correlation-id': `corr-${randomUUID()}` };
    expect(
      await account(
        'POST',
        `/accounts/${id}/transactions`,
        { transactionId: 'order-1', amount: 1_200, currency: 'EUR', merchantId: 'm-1', reference: 'cart 7' },
        correlation,
      ),
    ).toMatchObject({ status: 201, body: { transactionId: 'order-1', balance: 3_800 } });
    expect(await purchase(id, 'order-2', 300)).toMatchObject({ status: 201, body: { transactionId: 'order-2', balance: 3_500 } });
    expect(await account('POST', `/accounts/${id}/transactions/order-1/refund`)).toMatchObject({
      status: 200,
      body: { transactionId: 'order-1', balance: 4_700 },
    });
    expect(await account('POST', `/accounts/${id}/lock`)).toMatchObject({
      status: 200,
      body: { status: 'locked', limit: 0, balance: -300, vip: false, version: 11 },
    });
    expect(await purchase(id, 'order-3', 1)).toMatchObject({ status: 409, body: { code: 'ACCOUNT_LOCKED' } });
    expect(await account('POST', `/accounts/${id}/unlock`)).toMatchObject({
      status: 200,
      body: { status: 'active', limit: 0, version: 12 },
    });

    const stream = await events(id);
    expect(stream.map((e) => [e.version, e.type])).toEqual([
      [1, 'AccountOpened'],
      [2, 'LimitUpdated'],
      [3, 'AddressUpdated'],
      [4, 'PhoneNumberAdded'],
      [5, 'VipStatusGranted'],
      [6, 'ItemPurchased'],
      [7, 'ItemPurchased'],
      [8, 'PurchaseRefunded'],
      [9, 'LimitChanged'],
      [10, 'StatusChanged'],
      [11, 'VipStatusRevoked'],
      [12, 'StatusChanged'],
    ]);
    expect(stream[1].data).toEqual({ id, newLimit: 5_000, oldLimit: 1_000 });
    // AddressUpdated v2: the structured address, in the account's country since none was given.
    expect(stream[2]).toMatchObject({ schemaVersion: 2 });
    expect(stream[2].data).toEqual({
      id,
      address: { street: '2 Difference Rd', city: 'Cambridge', postalCode: 'CB1', country: 'GB' },
      previousAddress: { street: '1 Analytical St', city: 'London', postalCode: 'N1', country: 'GB' },
    });
    expect(stream[5].data).toEqual({
      id,
      transactionId: 'order-1',
      amount: 1_200,
      currency: 'EUR',
      merchantId: 'm-1',
      reference: 'cart 7',
      balanceAfter: 3_800,
    });
    expect(stream[5].metadata).toMatchObject({ actor: 'operator:bootstrap', ...{ correlationId: correlation['x-correlation-id'] } });
    expect(stream[7].data).toEqual({ id, transactionId: 'order-1', amount: 1_200, currency: 'EUR', balanceAfter: 4_700 });
    expect(stream[8].data).toEqual({ id, newLimit: 0, oldLimit: 5_000 });
    expect(stream[9].data).toEqual({ id, oldStatus: 'active', newStatus: 'locked' });
    expect(stream[11].data).toEqual({ id, oldStatus: 'locked', newStatus: 'active' });

    expect(await viewAt(id, 12)).toEqual({
      id,
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { ...moved, country: 'GB' },
      phoneNumbers: ['+44 20 7946 0000', '+44 7700 900000'],
      limit: 0,
      balance: -300,
      currency: 'EUR',
      status: 'active',
      vip: false,
      version: 12,
    });
  });

  it('charges a retried transactionId once and answers the first result again', async () => {
    const id = await open({ limit: 1_000 });
    expect(await purchase(id, 'retry-me', 400)).toMatchObject({ status: 201, body: { transactionId: 'retry-me', balance: 600 } });
    expect(await purchase(id, 'other', 100)).toMatchObject({ status: 201, body: { balance: 500 } });
    expect(await purchase(id, 'retry-me', 400)).toMatchObject({ status: 201, body: { transactionId: 'retry-me', balance: 600 } });
    expect(await purchase(id, 'retry-me', 450)).toMatchObject({ status: 409, body: { code: 'TRANSACTION_ID_REUSED' } });
    expect((await events(id)).filter((e) => e.type === 'ItemPurchased')).toHaveLength(2);
  });

  it('refuses purchases that break a rule with coded problems, and records nothing', async () => {
    const id = await open({ limit: 700 });
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ amount: 701 }, 400, 'INSUFFICIENT_FUNDS'],
      [{ amount: 5, currency: 'USD' }, 400, 'CURRENCY_MISMATCH'],
      [{ amount: 0 }, 400, 'AMOUNT_NOT_POSITIVE'],
      [{ amount: -5 }, 400, 'AMOUNT_NOT_POSITIVE'],
      [{ amount: 1.5 }, 400, 'AMOUNT_NOT_INTEGER'],
      [{ amount: 1e300 }, 400, 'AMOUNT_NOT_INTEGER'],
    ];
    for (const [body, status, code] of refusals) {
      const answer = await purchase(id, `tx-${randomUUID()}`, 1, body);
      expect({ status: answer.status, code: answer.body.code, type: answer.contentType }).toEqual({
        status,
        code,
        type: expect.stringContaining('application/problem+json'),
      });
    }
    expect(await events(id)).toHaveLength(1);
  });

  it('refunds a purchase once; a second refund and an unknown transaction get clear problems', async () => {
    const id = await open({ limit: 1_000 });
    await purchase(id, 'p1', 250);
    expect(await account('POST', `/accounts/${id}/transactions/p1/refund`)).toMatchObject({ status: 200, body: { balance: 1_000 } });
    expect(await account('POST', `/accounts/${id}/transactions/p1/refund`)).toMatchObject({
      status: 409,
      body: { code: 'PURCHASE_ALREADY_REFUNDED' },
    });
    expect(await account('POST', `/accounts/${id}/transactions/nope/refund`)).toMatchObject({
      status: 404,
      body: { code: 'TRANSACTION_NOT_FOUND' },
    });
    expect((await events(id)).map((e) => e.type)).toEqual(['AccountOpened', 'ItemPurchased', 'PurchaseRefunded']);
  });

  it('pages through a stream, linking to the next page', async () => {
    const id = await open({ limit: 1_000 });
    for (let i = 0; i < 4; i++) await purchase(id, `page-${i}`, 10);
    const first = await account('GET', `/accounts/${id}/events?limit=2`);
    expect(first.body.map((e: { version: number }) => e.version)).toEqual([1, 2]);
    expect(first.headers.get('link')).toBe(`</accounts/${id}/events?afterVersion=2&limit=2>; rel="next"`);
    const rest = await account('GET', `/accounts/${id}/events?afterVersion=2`);
    expect(rest.body.map((e: { version: number }) => e.version)).toEqual([3, 4, 5]);
    expect(rest.headers.get('link')).toBeNull();
  });

  it('counts accounts and combined limits per country, following limit changes and locks', async () => {
    const first = await open({ country: 'IS', limit: 1_000 });
    const second = await open({ country: 'IS', limit: 2_000 });
    await open({ country: 'FO', limit: 500 });
    await account('PUT', `/accounts/${first}/limit`, { limit: 3_000 });
    await account('POST', `/accounts/${second}/lock`);
    const expected = [
      { country: 'FO', totalAccounts: 1, combinedLimit: 500 },
      { country: 'IS', totalAccounts: 2, combinedLimit: 3_000 },
    ];
    const settled = await eventually(async () => {
      const rows = (await account('GET', '/stats/countries')).body as { country: string }[];
      const mine = rows.filter((row) => row.country === 'IS' || row.country === 'FO');
      return JSON.stringify(mine) === JSON.stringify(expected) ? mine : undefined;
    }, 20_000);
    expect(settled).toEqual(expected);
  });

  it('documents every Account route in OpenAPI at /docs', async () => {
    expect((await fetch(`${platform().url('account')}/docs`, asOperator())).status).toBe(200);
    const document = (await account('GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /accounts',
        'GET /accounts/{id}',
        'PUT /accounts/{id}/limit',
        'PUT /accounts/{id}/address',
        'POST /accounts/{id}/phone-numbers',
        'POST /accounts/{id}/lock',
        'POST /accounts/{id}/unlock',
        'POST /accounts/{id}/vip',
        'POST /accounts/{id}/transactions',
        'POST /accounts/{id}/transactions/{transactionId}/refund',
        'GET /accounts/{id}/events',
        'GET /stats/countries',
      ]),
    );
  });

  it('rebuilds the account view and the country stats from history when account.account-events is rewound to 0', async () => {
    const id = await open({ country: 'MT', limit: 9_000 });
    await purchase(id, 'before-rebuild', 1_000);
    await account('POST', `/accounts/${id}/lock`);
    await viewAt(id, 4);
    const db = new Client({ connectionString: platform().databaseUrl('account') });
    await db.connect();
    try {
      const readModels = async () => ({
        views: (await db.query('SELECT * FROM account.account_view ORDER BY id')).rows,
        stats: (await db.query('SELECT * FROM account.country_stats ORDER BY country, shard')).rows,
      });
      const settled = async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS behind FROM account.account_view v
          WHERE v.version <> (SELECT max(stream_version) FROM account.events e WHERE e.stream_id = 'account-' || v.id)`);
        return rows[0].behind === 0;
      };
      await eventually(settled, 20_000);
      const before = await readModels();
      expect(before.views.length).toBeGreaterThan(5);

      // Damage both read models so that only a replay of the whole history can put them right.
      await db.query(`UPDATE account.account_view SET balance = 0, version = 0, status = 'active'`);
      await db.query(`UPDATE account.country_stats SET total_accounts = 0, combined_limit = 0`);
      const rewind = await account(
        'POST',
        '/subscriptions/account.account-events/rewind',
        { toPosition: 0 },
        { authorization: `Bearer ${TEST_OPS_TOKEN}` },
      );
      expect(rewind.status).toBe(200);

      const after = await eventually(async () => {
        const current = await readModels();
        return JSON.stringify(current) === JSON.stringify(before) ? current : undefined;
      }, 30_000);
      expect(after).toEqual(before);
      expect(after!.views.find((view) => view.id === id)).toMatchObject({
        status: 'locked',
        credit_limit: '0',
        balance: '-1000',
        version: 4,
      });
    } finally {
      await db.end();
    }
  });
});
