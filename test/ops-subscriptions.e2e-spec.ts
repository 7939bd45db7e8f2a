import { eventually, TestPlatform, asOperator } from '@app/testing';
import { Client } from 'pg';
import { send } from './support/http';
import { OpsApi, QueueWriter, startPlatform } from './support/ops-e2e-support';

interface SubscriptionView {
  name: string;
  producer: string;
  consumer: string;
  status: string;
  lagEvents: number | null;
  lagSeconds: number | null;
  cursorPosition: string | null;
}
interface SubscriptionList {
  producers: { producer: string; available: boolean; error?: string }[];
  subscriptions: SubscriptionView[];
}
interface AuditPage {
  items: { eventId: string; producer: string; streamId: string; streamVersion: number; type: string; occurredAt: string }[];
  nextCursor: string | null;
}

/** Subscriptions across producers, steered through Ops, and the audit log Ops keeps. Fraud is not started: its queue only fills. */
describe('Ops subscriptions and audit log, with real Account and Ops processes', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let database: Client;

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    database = new Client({ connectionString: platform.databaseUrl('account') });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await writer?.stop();
    await platform?.stop();
  });

  const account = (method: string, path: string, body?: unknown) => send(platform.url('account'), method, path, body);
  const openAccount = async (country: string, limit: number): Promise<string> => {
    const opened = await account('POST', '/accounts', {
      name: 'Edsger',
      lastName: 'Dijkstra',
      country,
      address: { street: 'Plantage 1', city: 'Nuenen', zip: '5671' },
      limit,
      currency: 'EUR',
    });
    expect(opened.status).toBe(201);
    return opened.body.id as string;
  };
  const subscriptions = () => ops.get<SubscriptionList>('/subscriptions');
  const subscription = async (name: string) => (await subscriptions()).subscriptions.find((s) => s.name === name)!;
  const accountDrained = () =>
    eventually(
      async () => {
        const list = await subscriptions();
        return list.subscriptions.filter((s) => s.producer === 'account').every((s) => s.lagEvents === 0);
      },
      20_000,
      100,
    );

  it("lists every producer's subscriptions with their lag, and a producer that is down as unavailable", async () => {
    const list = await subscriptions();

    expect(list.producers).toEqual([
      { producer: 'account', available: true, frontier: { held: false, relayRefusal: null, warnAfterSeconds: 5 } },
      { producer: 'merchant', available: false, error: expect.any(String), frontier: { held: null, error: expect.any(String) } },
      { producer: 'checkout', available: false, error: expect.any(String), frontier: { held: null, error: expect.any(String) } },
      { producer: 'fraud', available: false, error: expect.any(String), frontier: { held: null, error: expect.any(String) } },
    ]);
    const byName = new Map(list.subscriptions.map((s) => [s.name, s]));
    for (const name of ['fraud.account-events', 'account.account-events', 'ops.account-events']) {
      expect(byName.get(name)).toMatchObject({
        producer: 'account',
        status: 'active',
        lagEvents: expect.any(Number),
        lagSeconds: expect.any(Number),
      });
    }
    expect(byName.get('ops.merchant-events')).toMatchObject({
      producer: 'merchant',
      consumer: 'ops',
      status: 'unavailable',
      lagEvents: null,
    });
    expect(byName.has('checkout.merchant-events')).toBe(false);
    expect((await ops.post('/subscriptions/fraud.merchant-events/pause')).body).toMatchObject({
      status: 503,
      code: 'MERCHANT_UNAVAILABLE',
    });
    expect((await ops.post('/subscriptions/nobody.nothing/pause')).body).toMatchObject({ status: 404, code: 'SUBSCRIPTION_NOT_FOUND' });
    expect((await ops.post('/subscriptions/ops.account-events/rewind', { toPosition: -1 })).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('pauses one subscription (its lag grows, its consumer sees nothing) and resumes it', async () => {
    expect((await ops.post('/subscriptions/account.account-events/pause')).body).toMatchObject({
      name: 'account.account-events',
      status: 'paused',
    });
    const id = await openAccount('NL', 1_000);

    const paused = await eventually(
      async () => {
        const s = await subscription('account.account-events');
        return s.lagEvents! >= 1 ? s : undefined;
      },
      10_000,
      100,
    );
    expect(paused?.status).toBe('paused');
    await eventually(async () => (await subscription('ops.account-events')).lagEvents === 0, 10_000, 100);
    expect((await account('GET', `/accounts/${id}`)).status).toBe(404);

    expect((await ops.post('/subscriptions/account.account-events/resume')).status).toBe(200);
    await eventually(async () => (await account('GET', `/accounts/${id}`)).status === 200, 10_000, 100);
    expect(await subscription('account.account-events')).toMatchObject({ status: 'active', lagEvents: 0 });
  });

  it('keeps every event in the audit log, searchable by stream, type and time, newest first and paged', async () => {
    const id = await openAccount('BE', 1_000);
    expect((await account('PUT', `/accounts/${id}/limit`, { limit: 2_000 })).status).toBe(200);
    expect((await account('PUT', `/accounts/${id}/limit`, { limit: 3_000 })).status).toBe(200);
    const streamId = `account-${id}`;

    const all = (await eventually(
      async () => {
        const page = await ops.get<AuditPage>(`/audit?streamId=${streamId}`);
        return page.items.length === 3 ? page : undefined;
      },
      15_000,
      100,
    )) as AuditPage;
    expect(all.items.map((e) => [e.streamVersion, e.type, e.producer])).toEqual([
      [3, 'LimitUpdated', 'account'],
      [2, 'LimitUpdated', 'account'],
      [1, 'AccountOpened', 'account'],
    ]);
    expect(all.nextCursor).toBeNull();

    const limits = await ops.get<AuditPage>(`/audit?streamId=${streamId}&type=LimitUpdated`);
    expect(limits.items.map((e) => e.streamVersion)).toEqual([3, 2]);
    const [third, second, first] = all.items;
    const after = await ops.get<AuditPage>(`/audit?streamId=${streamId}&after=${encodeURIComponent(first.occurredAt)}`);
    expect(after.items.every((e) => e.occurredAt > first.occurredAt)).toBe(true);
    expect(after.items.map((e) => e.eventId)).not.toContain(first.eventId);
    const before = await ops.get<AuditPage>(`/audit?streamId=${streamId}&before=${encodeURIComponent(third.occurredAt)}`);
    expect(before.items.map((e) => e.eventId)).not.toContain(third.eventId);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page: AuditPage = await ops.get<AuditPage>(`/audit?streamId=${streamId}&limit=1${query}`);
      pages.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([third.eventId, second.eventId, first.eventId]);
    expect((await fetch(`${platform.url('ops')}/audit?cursor=garbage`, asOperator())).status).toBe(400);
  });

  it('rewinds one subscription: that consumer rebuilds its read model identically, no other consumer receives anything', async () => {
    const ids = [await openAccount('DK', 100), await openAccount('DK', 200), await openAccount('SE', 300)];
    expect((await account('PUT', `/accounts/${ids[0]}/limit`, { limit: 150 })).status).toBe(200);
    expect((await account('POST', `/accounts/${ids[1]}/lock`)).status).toBe(200);
    await accountDrained();
    await eventually(
      async () => (await Promise.all(ids.map((id) => account('GET', `/accounts/${id}`)))).every((r) => r.status === 200),
      10_000,
    );

    const readModel = async () => ({
      accounts: await Promise.all(ids.map(async (id) => (await account('GET', `/accounts/${id}`)).body)),
      stats: (await account('GET', '/stats/countries')).body,
    });
    const before = await readModel();
    const [{ events }] = (await database.query(`SELECT count(*)::int AS events FROM account.events`)).rows;
    const fraudQueueBefore = await writer.depth('fraud.account-events');
    expect(fraudQueueBefore).toBe(events);
    const othersBefore = (await subscriptions()).subscriptions.filter(
      (s) => s.producer === 'account' && s.name !== 'account.account-events',
    );
    const auditBefore = (await ops.get<AuditPage>('/audit?producer=account&limit=500')).items.length;
    const [{ rewoundAt }] = (await database.query(`SELECT now() AS "rewoundAt"`)).rows;

    const rewind = await ops.post('/subscriptions/account.account-events/rewind', { toPosition: 0 });
    expect(rewind).toMatchObject({ status: 200, body: { name: 'account.account-events', toPosition: 0 } });

    // Every event is applied again after the rewind: the inbox was reset and refilled.
    await eventually(
      async () => {
        const { rows } = await database.query(
          `SELECT count(*)::int AS n FROM account.inbox WHERE queue = 'account.account-events' AND processed_at > $1`,
          [rewoundAt],
        );
        return rows[0].n === events;
      },
      20_000,
      100,
    );
    await accountDrained();
    expect(await readModel()).toEqual(before);
    expect(await writer.depth('fraud.account-events')).toBe(fraudQueueBefore);
    expect((await subscriptions()).subscriptions.filter((s) => s.producer === 'account' && s.name !== 'account.account-events')).toEqual(
      othersBefore,
    );
    expect((await ops.get<AuditPage>('/audit?producer=account&limit=500')).items).toHaveLength(auditBefore);
  });
});
