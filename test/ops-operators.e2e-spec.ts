import { eventually, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { asDeadLetter, eventMessage, QueueWriter, runOpsCli, startPlatform } from './support/ops-e2e-support';

const QUEUE = 'account.account-events';

interface Action {
  actor: string;
  action: string;
  target: string;
  outcome: number;
  detail: { code?: string };
}

/**
 * Named operators on an Ops whose OPS_TOKEN is retired (OPS_BOOTSTRAP_ADMIN=false): each acts with
 * their own credential and role, and every request to an action is recorded under the
 * authenticated name, refusals included, whatever an X-Operator header says. Merchant has retired
 * OPS_TOKEN too: what Ops does there for an admin, it does with a credential naming that admin.
 */
describe('Ops named operators and roles', () => {
  let platform: TestPlatform;
  let writer: QueueWriter;
  const credentials: Record<string, string> = {};

  const call = async (
    credential: string | null,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body: object = {},
    service: 'ops' | 'merchant' = 'ops',
  ) => {
    const response = await fetch(`${platform.url(service)}${path}`, {
      method,
      headers: {
        ...(credential === null ? {} : { authorization: `Bearer ${credential}` }),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: method === 'POST' ? JSON.stringify(body) : undefined,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  /** The operator actions matching `query`, as an admin reads them. */
  const actions = async (query: string): Promise<Action[]> =>
    (await call(credentials.admin, 'GET', `/operator-actions?${query}`)).body.items as Action[];

  /** A dead letter in Ops' store, as a consumer of QUEUE leaves it; answers its id. */
  async function deadLetter(): Promise<number> {
    const id = randomUUID();
    const message = eventMessage({
      type: 'LimitUpdated',
      streamId: `account-${id}`,
      streamVersion: 2,
      data: { id, newLimit: 1, oldLimit: 0 },
    });
    await writer.publish(`${QUEUE}.dlq`, [asDeadLetter(message, QUEUE, 'LIMIT_RULE', 'for the spec')]);
    return eventually(async () => {
      const page = (await call(credentials.viewer, 'GET', `/dead-letters?queue=${QUEUE}&limit=1000`)).body.items as {
        id: number;
        messageId: string;
      }[];
      return page.find((d) => d.messageId === message.options.messageId)?.id;
    }, 30_000);
  }

  beforeAll(async () => {
    platform = await startPlatform(['merchant', 'ops'], { OPS_BOOTSTRAP_ADMIN: 'false' });
    writer = await new QueueWriter(platform.amqpUrl).start();
    for (const role of ['viewer', 'operator', 'admin'] as const) credentials[role] = await platform.addOperator(`ada-${role}`, role);
  });

  afterAll(async () => {
    await writer?.stop();
    await platform?.stop();
  });

  it('lets a viewer read but refuses their replay with 403 problem+json, and records the refusal', async () => {
    const id = await deadLetter();
    expect((await call(credentials.viewer, 'GET', `/dead-letters/${id}`)).status).toBe(200);
    const refused = await call(credentials.viewer, 'POST', `/dead-letters/${id}/replay`);
    expect(refused).toMatchObject({ status: 403, type: expect.stringContaining('application/problem+json') });
    expect(refused.body.detail).toContain('needs the operator role');
    expect((await call(credentials.viewer, 'GET', `/dead-letters/${id}`)).body).toMatchObject({ status: 'dead' });
    const recorded = await eventually(() => actions(`operator=ada-viewer&target=${id}`).then((a) => a[0]), 10_000);
    expect(recorded).toMatchObject({ actor: 'ada-viewer', action: 'dead-letter.replay', target: String(id), outcome: 403 });
  });

  it("records an operator's replay under their authenticated name, whatever X-Operator says", async () => {
    const id = await deadLetter();
    const replayed = await call(credentials.operator, 'POST', `/dead-letters/${id}/replay`, { 'x-operator': 'mallory' });
    expect(replayed).toMatchObject({ status: 200, body: { status: 'replayed', lastReplayedBy: 'ada-operator' } });
    expect(replayed.body.history).toEqual([expect.objectContaining({ action: 'replay', actor: 'ada-operator' })]);
    const recorded = await eventually(() => actions(`target=${id}&action=dead-letter.replay`).then((a) => a[0]), 10_000);
    expect(recorded).toMatchObject({ actor: 'ada-operator', outcome: 200 });
    expect(await actions('operator=mallory')).toEqual([]);
  });

  it("refuses an operator an admin's action (consumers) with 403, and records the failure of an allowed one", async () => {
    expect((await call(credentials.operator, 'POST', '/subscriptions/fraud.account-events/remove')).status).toBe(403);
    // Allowed, but no producer has such a queue: Ops answers 404 itself, recorded with its status and code.
    expect((await call(credentials.operator, 'POST', '/subscriptions/nobody.nothing/pause')).status).toBe(404);
    const recorded = await eventually(async () => {
      const found = await actions('operator=ada-operator&action=subscription.pause');
      return found.length > 0 && found;
    }, 10_000);
    expect(recorded[0]).toMatchObject({ target: 'nobody.nothing', outcome: 404, detail: { code: 'SUBSCRIPTION_NOT_FOUND' } });
  });

  it('refuses a removed operator, the retired OPS_TOKEN and no credential with 401, and records each', async () => {
    const leaving = await platform.addOperator('leaving', 'admin');
    const id = await deadLetter();
    expect((await call(leaving, 'GET', `/dead-letters/${id}`)).status).toBe(200);
    expect(await platform.removeOperator('leaving')).toBe(true);
    for (const credential of [leaving, TEST_OPS_TOKEN, null]) {
      const refused = await call(credential, 'POST', `/dead-letters/${id}/archive`);
      expect(refused).toMatchObject({ status: 401, type: expect.stringContaining('application/problem+json') });
    }
    const recorded = await eventually(async () => {
      const found = await actions(`target=${id}&action=dead-letter.archive`);
      return found.length === 3 && found;
    }, 10_000);
    expect(recorded.map((a) => [a.actor, a.outcome])).toEqual(Array(3).fill(['unauthenticated', 401]));
    expect((await call(credentials.viewer, 'GET', `/dead-letters/${id}`)).body).toMatchObject({ status: 'dead' });
  });

  it('pages the actions with an opaque cursor, filters by time, and lists them in the CLI', async () => {
    const start = new Date().toISOString();
    const id = await deadLetter();
    for (let i = 0; i < 3; i++) await call(credentials.viewer, 'POST', `/dead-letters/${id}/skip`);
    await eventually(async () => (await actions(`target=${id}`)).length === 3, 10_000);
    const first = (await call(credentials.viewer, 'GET', `/operator-actions?target=${id}&limit=2`)).body;
    expect((first.items as Action[]).length).toBe(2);
    const second = (await call(credentials.viewer, 'GET', `/operator-actions?target=${id}&limit=2&cursor=${first.nextCursor as string}`))
      .body;
    expect(second).toMatchObject({ items: [expect.objectContaining({ action: 'dead-letter.skip' })], nextCursor: null });
    expect((await call(credentials.viewer, 'GET', '/operator-actions?cursor=forged')).status).toBe(400);
    expect(await actions(`target=${id}&before=${start}`)).toEqual([]);
    expect((await actions(`target=${id}&after=${start}`)).length).toBe(3);

    const cli = await runOpsCli(['actions', '--operator', 'ada-viewer', '--target', String(id)], {
      OPS_URL: platform.url('ops'),
      OPS_TOKEN: credentials.viewer,
    });
    expect(cli).toMatchObject({ code: 0, stderr: '' });
    expect(cli.stdout).toContain('dead-letter.skip');
    expect(cli.stdout).toContain('403 FORBIDDEN');
    const refused = await runOpsCli(['replay', String(id)], { OPS_URL: platform.url('ops'), OPS_TOKEN: credentials.viewer });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('needs the operator role');
  });

  it("lets an admin list, mint, roll and revoke a merchant's keys through Ops, refuses viewers and operators, and records each", async () => {
    const onboarded = await call(
      platform.operatorCredential('setup', 'admin'),
      'POST',
      '/merchants',
      {},
      { name: 'Keys Ltd', country: 'GB', bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' } },
      'merchant',
    );
    expect(onboarded.status).toBe(201);
    const merchantId = onboarded.body.id as string;
    const keysPath = `/merchants/${merchantId}/keys`;
    // Merchant no longer takes OPS_TOKEN: whatever Ops does there below, it does as the named admin.
    expect((await call(TEST_OPS_TOKEN, 'GET', keysPath, {}, {}, 'merchant')).status).toBe(401);

    for (const role of ['viewer', 'operator'] as const) {
      const refusedList = await call(credentials[role], 'GET', keysPath);
      expect(refusedList).toMatchObject({ status: 403, type: expect.stringContaining('application/problem+json') });
      expect(refusedList.body.detail).toContain('needs the admin role');
      expect((await call(credentials[role], 'POST', keysPath)).status).toBe(403);
    }

    const listed = await call(credentials.admin, 'GET', keysPath);
    expect(listed.status).toBe(200);
    const [first] = listed.body.items as { id: string; state: string }[];
    expect(listed.body.items).toEqual([expect.objectContaining({ id: first.id, state: 'active' })]);
    expect(JSON.stringify(listed.body)).not.toContain('mk_' + first.id + '_');

    const minted = await call(credentials.admin, 'POST', keysPath);
    expect(minted).toMatchObject({ status: 201, body: { state: 'active', apiKey: expect.stringMatching(/^mk_[0-9a-f]{16}_/) } });
    // The minted key is the merchant's: it lists its own keys at Merchant.
    expect((await call(minted.body.apiKey as string, 'GET', keysPath, {}, {}, 'merchant')).status).toBe(200);

    const rolled = await call(credentials.admin, 'POST', `${keysPath}/${first.id}/roll`, {}, { expiresInHours: 1 });
    expect(rolled).toMatchObject({ status: 201, body: { rolled: { id: first.id, state: 'expiring' }, key: { state: 'active' } } });
    expect((await call(credentials.admin, 'POST', `${keysPath}/${first.id}/roll`, {}, { expiresInHours: -1 })).status).toBe(400);

    const revoked = await call(credentials.admin, 'DELETE', `${keysPath}/${minted.body.id as string}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: minted.body.id, state: 'revoked' } });
    await eventually(async () => (await call(minted.body.apiKey as string, 'GET', keysPath, {}, {}, 'merchant')).status === 401, 10_000);
    const unknown = await call(credentials.admin, 'DELETE', `${keysPath}/0123456789abcdef`);
    expect(unknown).toMatchObject({ status: 404, body: { code: 'KEY_NOT_FOUND' } });
    expect((await call(credentials.admin, 'DELETE', `${keysPath}/..%2F..%2Fmerchants`)).status).toBe(404);

    const recorded = await eventually(async () => {
      const found = await actions(`target=${merchantId}&limit=100`);
      return found.length === 6 && found;
    }, 10_000);
    expect(recorded.map((a) => [a.actor, a.action, a.outcome]).reverse()).toEqual([
      ['ada-viewer', 'merchant-keys.list', 403],
      ['ada-viewer', 'merchant-keys.mint', 403],
      ['ada-operator', 'merchant-keys.list', 403],
      ['ada-operator', 'merchant-keys.mint', 403],
      ['ada-admin', 'merchant-keys.list', 200],
      ['ada-admin', 'merchant-keys.mint', 201],
    ]);
    const onKeys = await actions(`operator=ada-admin&action=merchant-keys.revoke`);
    expect(onKeys.map((a) => [a.target, a.outcome])).toEqual([
      [`${merchantId}/../../merchants`, 404],
      [`${merchantId}/0123456789abcdef`, 404],
      [`${merchantId}/${minted.body.id as string}`, 200],
    ]);
    expect((await actions(`operator=ada-admin&action=merchant-keys.roll`)).map((a) => a.outcome)).toEqual([400, 201]);
  });
});
