import { ServiceInstance, TestPlatform, eventually, asOperator } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Answer, send } from './support/http';

type Purchase = Answer<{ code?: string; balance?: number; transactionId?: string; id?: string }>;

/**
 * Two account processes share one database. Purchases on one account, spread over both and sent
 * at once, are still decided one at a time against the stream: no process memory keeps them apart.
 */
describe('Account purchases across two instances', () => {
  let platform: TestPlatform;
  let second: ServiceInstance;
  let urls: string[];

  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
    second = await platform.startInstance('account');
    urls = [platform.url('account'), second.url];
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const post = (base: string, path: string, body?: unknown): Promise<Purchase> => send(base, 'POST', path, body);

  const open = async (limit: number): Promise<string> => {
    const answer = await post(urls[0], '/accounts', {
      name: 'Edsger',
      lastName: 'Dijkstra',
      country: 'NL',
      address: { street: 'Plantage 1', city: 'Amsterdam', zip: '1018' },
      limit,
      currency: 'EUR',
    });
    expect(answer.status).toBe(201);
    return answer.body.id!;
  };

  const purchaseVia = (base: string, id: string, transactionId: string, amount: number) =>
    post(base, `/accounts/${id}/transactions`, { transactionId, amount, currency: 'EUR' });

  const stream = async (id: string) => {
    const response = await fetch(`${urls[1]}/accounts/${id}/events`, asOperator());
    return (await response.json()) as { version: number; type: string; data: { balanceAfter?: number } }[];
  };

  const settledView = (id: string, version: number) =>
    eventually(async () => {
      const response = await fetch(`${urls[0]}/accounts/${id}`, asOperator());
      const view = response.ok ? ((await response.json()) as { version: number; balance: number }) : undefined;
      return view?.version === version ? view : undefined;
    }, 30_000);

  it('accepts exactly 20 of 200 simultaneous purchases of 5,000 on a limit of 100,000, the rest 400 INSUFFICIENT_FUNDS', async () => {
    const id = await open(100_000);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => purchaseVia(urls[i % 2], id, `race-${i}`, 5_000)));

    const byStatus = (status: number) => answers.filter((answer) => answer.status === status);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(byStatus(201)).toHaveLength(20);
    expect(byStatus(400)).toHaveLength(180);
    expect(new Set(byStatus(400).map((answer) => answer.body.code))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    // Decided one after the other: the accepted purchases left every balance from 95,000 down to 0 once.
    const balances = byStatus(201)
      .map((answer) => answer.body.balance!)
      .sort((a, b) => b - a);
    expect(balances).toEqual(Array.from({ length: 20 }, (_, i) => 95_000 - i * 5_000));

    const events = await stream(id);
    expect(events.filter((event) => event.type === 'ItemPurchased')).toHaveLength(20);
    expect(events.map((event) => event.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(events.at(-1)?.data.balanceAfter).toBe(0);
    expect((await settledView(id, 21))!.balance).toBe(0);
  });

  it('lets one of 500 and 700 on a balance of 700 through, and refuses the other (the seed scenario)', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await open(700);
      const [small, large] = await Promise.all([purchaseVia(urls[0], id, 'p-500', 500), purchaseVia(urls[1], id, 'p-700', 700)]);
      expect([small.status, large.status].sort()).toEqual([201, 400]);
      const refused = small.status === 400 ? small : large;
      expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
      // 500 first leaves 200 (and 700 no longer fits); 700 first leaves 0 (and 500 no longer fits).
      const expected = small.status === 201 ? 200 : 0;
      expect((small.status === 201 ? small : large).body.balance).toBe(expected);
      expect((await settledView(id, 2))!.balance).toBe(expected);
    }
  });

  it('charges once when one transactionId is retried 20 times at once through both instances', async () => {
    const id = await open(10_000);
    const transactionId = `retry-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => purchaseVia(urls[i % 2], id, transactionId, 3_000)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((answer) => answer.body.balance))).toEqual(new Set([7_000]));
    expect((await stream(id)).filter((event) => event.type === 'ItemPurchased')).toHaveLength(1);
    expect((await settledView(id, 2))!.balance).toBe(7_000);
  });

  it('never keeps a charge that raced its own refund: each of 40 ids ends refunded, or cancelled with its charge refused', async () => {
    const id = await open(100_000);
    const ids = Array.from({ length: 40 }, (_, i) => `raced-${i}`);
    // A checkout's late charge and its compensation's refund, sent at once through different instances.
    await Promise.all(
      ids.flatMap((transactionId, i) => [
        purchaseVia(urls[i % 2], id, transactionId, 100),
        post(urls[(i + 1) % 2], `/accounts/${id}/transactions/${transactionId}/refund`),
      ]),
    );
    const retried = await Promise.all(ids.map((transactionId, i) => purchaseVia(urls[i % 2], id, transactionId, 100)));
    const events = await stream(id);
    const charged = new Set(
      events.filter((e) => e.type === 'ItemPurchased').map((e) => (e.data as { transactionId?: string }).transactionId),
    );
    const refunded = new Set(
      events.filter((e) => e.type === 'PurchaseRefunded').map((e) => (e.data as { transactionId?: string }).transactionId),
    );
    for (const [i, transactionId] of ids.entries()) {
      const outcome = {
        transactionId,
        charged: charged.has(transactionId),
        refunded: refunded.has(transactionId),
        retry: retried[i].status,
      };
      // Charged, then refunded when the refund came second: a retried charge answers the first result.
      if (outcome.charged) expect(outcome).toEqual({ transactionId, charged: true, refunded: true, retry: 201 });
      else {
        expect(outcome).toEqual({ transactionId, charged: false, refunded: false, retry: 409 });
        expect(retried[i].body.code).toBe('TRANSACTION_CANCELLED');
      }
    }
    expect(events.at(-1)!.data.balanceAfter ?? 100_000).toBe(100_000);
  });
});
