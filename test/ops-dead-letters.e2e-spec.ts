import { eventually, TEST_OPS_TOKEN, TestPlatform, asOperator } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { deadLetterOf, eventMessage, OpsApi, QueueWriter, startPlatform } from './support/ops-e2e-support';

// A gap is reported within about a second here, not the installation's minutes (handed on to the services).
process.env.CONSUMER_GAP_TIMEOUT_MS = '1000';

const QUEUE = 'account.account-events';

/**
 * Dead letters end to end, with Account as the consumer: a poison message lands in the DLQ, Ops
 * drains and groups it, an operator replays it once its cause is gone, and it takes effect once.
 */
describe('Ops dead letters, with real Account and Ops processes', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
  });

  afterAll(async () => {
    await writer?.stop();
    await platform?.stop();
  });

  const account = async (id: string) => {
    const response = await fetch(`${platform.url('account')}/accounts/${id}`, asOperator());
    return response.ok ? ((await response.json()) as { limit: number; version: number }) : undefined;
  };
  const countryStats = async (country: string) => {
    const stats = (await (await fetch(`${platform.url('account')}/stats/countries`, asOperator())).json()) as {
      country: string;
      combinedLimit: number;
      totalAccounts: number;
    }[];
    return stats.find((s) => s.country === country);
  };
  const opened = (id: string, country: string, limit: number) =>
    eventMessage({
      type: 'AccountOpened',
      streamId: `account-${id}`,
      streamVersion: 1,
      data: {
        id,
        name: 'Ada',
        lastName: 'Lovelace',
        country,
        address: { street: '1 St', city: 'London', zip: 'N1' },
        limit,
        currency: 'EUR',
      },
    });
  // Version 2 before version 1 exists: the consumer cannot apply it until version 1 has been.
  const limitUpdated = (id: string, version: number, oldLimit: number, newLimit: number) =>
    eventMessage({
      type: 'LimitUpdated',
      streamId: `account-${id}`,
      streamVersion: version,
      data: { id, newLimit, oldLimit },
    });

  it('drains a poison message into a group by error code; replayed after the cause is gone, it takes effect exactly once', async () => {
    const id = randomUUID();
    const poison = limitUpdated(id, 2, 5_000, 9_000);
    await writer.publish(QUEUE, [poison]);

    // Version 1 never arrives: the early event waits, spending no attempt, until its gap times out.
    const dead = await deadLetterOf(ops, QUEUE, poison.options.messageId);
    expect(dead).toMatchObject({ type: 'LimitUpdated', errorCode: 'GAP_TIMEOUT', replayCount: 0 });
    expect(await ops.groups()).toContainEqual(
      expect.objectContaining({ queue: QUEUE, type: 'LimitUpdated', code: 'GAP_TIMEOUT', count: 1 }),
    );
    const shown = await ops.get<{ body: string; bodyEncoding: string; headers: Record<string, unknown> }>(`/dead-letters/${dead.id}`);
    expect(shown.bodyEncoding).toBe('utf8');
    expect(shown.body).toBe(poison.content.toString('utf8'));
    expect(shown.headers).toMatchObject({
      'x-stream-id': `account-${id}`,
      'x-error-code': 'GAP_TIMEOUT',
      'x-missing-stream-version': 1,
      'x-attempts': 0,
      'x-original-queue': QUEUE,
    });

    // The cause: version 1 had not arrived. Once it has, the waiting version 2 applies right after
    // it, and the operator's replay is a duplicate that changes nothing.
    await writer.publish(QUEUE, [opened(id, 'ZA', 5_000)]);
    await eventually(() => account(id), 15_000);
    const replay = await ops.post(`/dead-letters/${dead.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'replayed', replayCount: 1, lastReplayedBy: 'bootstrap' });
    expect(replay.body.history).toEqual([expect.objectContaining({ action: 'replay', actor: 'bootstrap' })]);

    await eventually(async () => (await account(id))?.version === 2, 15_000);
    expect(await account(id)).toMatchObject({ limit: 9_000 });
    expect((await ops.post(`/dead-letters/${dead.id}/replay`)).body).toMatchObject({ status: 409, code: 'DEAD_LETTER_NOT_DEAD' });

    // A second copy of the replayed message (same id) and then version 3: the copy changes nothing.
    await writer.publish(QUEUE, [{ content: poison.content, options: { ...poison.options } }, limitUpdated(id, 3, 9_000, 9_500)]);
    await eventually(async () => (await account(id))?.version === 3, 15_000);
    expect(await countryStats('ZA')).toEqual({ country: 'ZA', totalAccounts: 1, combinedLimit: 9_500 });
    expect((await ops.groups()).filter((g) => g.queue === QUEUE && g.code === 'GAP_TIMEOUT')).toEqual([]);
  });

  it('brings a message that fails again back as the same dead letter, with its attempts added up', async () => {
    // The first event of an account never opened: the view's handler fails on it every time.
    const poison = limitUpdated(randomUUID(), 1, 1, 2);
    await writer.publish(QUEUE, [poison]);
    const dead = await deadLetterOf(ops, QUEUE, poison.options.messageId);

    expect((await ops.post(`/dead-letters/${dead.id}/replay`)).status).toBe(200);
    const again = await eventually(
      async () => {
        const found = await ops.findByMessageId(QUEUE, poison.options.messageId);
        return found?.status === 'dead' && found.timesDeadLettered === 2 ? found : undefined;
      },
      90_000, // every retry tier again (production's tiers take about 40 s)

      200,
    );

    expect(again).toMatchObject({ id: dead.id, attempts: 10, replayCount: 1, errorCode: dead.errorCode });
    const page = await ops.get<{ items: { messageId: string }[] }>(`/dead-letters?status=all&limit=1000&queue=${QUEUE}`);
    expect(page.items.filter((item) => item.messageId === poison.options.messageId)).toHaveLength(1);
  });

  it('keeps a malformed message byte for byte and archives it out of the groups', async () => {
    const messageId = randomUUID();
    const body = '{"eventId": "half a message';
    await writer.publish(QUEUE, [{ content: Buffer.from(body), options: { messageId, contentType: 'application/json' } }]);

    const dead = await deadLetterOf(ops, QUEUE, messageId);
    expect(dead).toMatchObject({ type: null, errorCode: 'MALFORMED_JSON', attempts: 1 });
    expect(await ops.get(`/dead-letters/${dead.id}`)).toMatchObject({ body, bodyEncoding: 'utf8' });
    expect(await ops.groups()).toContainEqual(expect.objectContaining({ queue: QUEUE, type: null, code: 'MALFORMED_JSON' }));

    const archived = await ops.post(`/dead-letters/${dead.id}/archive`);
    expect(archived).toMatchObject({ status: 200, body: { status: 'archived', archivedBy: 'bootstrap' } });
    expect((await ops.groups()).filter((g) => g.code === 'MALFORMED_JSON')).toEqual([]);
    expect((await ops.post(`/dead-letters/${dead.id}/replay`)).body).toMatchObject({ status: 409, code: 'DEAD_LETTER_NOT_DEAD' });
    expect((await ops.post('/dead-letters/999999999/archive')).body).toMatchObject({ status: 404, code: 'DEAD_LETTER_NOT_FOUND' });
  });

  it('refuses every mutating route without the operator token (401) or with a wrong one (403), changing nothing', async () => {
    const messageId = randomUUID();
    await writer.publish(QUEUE, [{ content: Buffer.from('not json at all'), options: { messageId } }]);
    const dead = await deadLetterOf(ops, QUEUE, messageId);
    const subscriptionsBefore = await ops.get('/subscriptions');

    const attempts: [string, unknown][] = [
      [`/dead-letters/${dead.id}/replay`, undefined],
      [`/dead-letters/${dead.id}/archive`, undefined],
      ['/dead-letters/replay', { ids: [dead.id] }],
      ['/dead-letters/replay', { all: true }],
      ['/dead-letters/archive', { queue: QUEUE }],
      [`/subscriptions/${QUEUE}/pause`, undefined],
      [`/subscriptions/${QUEUE}/resume`, undefined],
      [`/subscriptions/${QUEUE}/rewind`, { toPosition: 0 }],
    ];
    for (const [path, body] of attempts) {
      const anonymous = await ops.post(path, body, null);
      expect({ path, status: anonymous.status, code: anonymous.body.code }).toEqual({ path, status: 401, code: 'UNAUTHORIZED' });
      const wrong = await ops.post(path, body, `${TEST_OPS_TOKEN}-not`);
      expect({ path, status: wrong.status, code: wrong.body.code }).toEqual({ path, status: 401, code: 'UNAUTHORIZED' });
      const notAnOperator = await ops.post(path, body, platform.serviceToken('checkout'));
      expect({ path, status: notAnOperator.status, code: notAnOperator.body.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }

    expect(await ops.get(`/dead-letters/${dead.id}`)).toMatchObject({ status: 'dead', replayCount: 0, history: [] });
    expect(await ops.get('/subscriptions')).toEqual(subscriptionsBefore);
    expect(platform.output('ops')).not.toContain(TEST_OPS_TOKEN);
  });
});
