import { eventually, operatorHeaders, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { connect } from 'amqplib';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { OpsApi, startPlatform } from './support/ops-e2e-support';
import { QueueReader, ReadEvent } from './support/queue-reader';

interface Backfill {
  total: number;
  remaining: number;
  ratePerSecond: number | null;
  done: boolean;
}
interface SubscriptionView {
  name: string;
  status: string;
  lagEvents: number | null;
  registeredAt: string | null;
  backfill: Backfill | null;
}

const ACCOUNTS = 2_000;
const EVENTS_PER_ACCOUNT = 10;
const SEEDED = ACCOUNTS * EVENTS_PER_ACCOUNT;
const BACKFILL_RATE = 2_500;
const OTHERS = ['fraud.account-events', 'account.account-events', 'ops.account-events'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer added at run time, with no code change: `bi.account-events` is provisioned (broker
 * user, queues) as `npm run provision -- --add-consumer` does, registered through Ops from position
 * 0 with a backfill pace, and reads 20,000 seeded account events from its own queue in order per
 * account, while the routing table's consumers of Account are still delivered. Fraud is not
 * started: the spec reads its queue. How fast the others go meanwhile is a figure with a target,
 * printed by `npm run bench:relay` (e), not asserted here: a timed assertion fails on a slow hour.
 */
describe('a new consumer registered at run time through Ops, with real Account and Ops processes', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let database: Client;
  let accountIds: string[];
  /** What a test started and must end even when it fails (load, samplers, readers). */
  let cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    database = new Client({ connectionString: platform.databaseUrl('account') });
    await database.connect();
    accountIds = await seedAccountEvents(database);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups = [];
  });

  afterAll(async () => {
    await database?.end();
    await platform?.stop();
  });

  const subscriptions = async () => (await ops.get<{ subscriptions: SubscriptionView[] }>('/subscriptions')).subscriptions;
  /** `npm run ops -- <args>` as an operator runs it (the built CLI), with its exit code and both outputs. */
  const opsCli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) =>
      execFile(
        process.execPath,
        [join(process.cwd(), 'dist', 'apps', 'ops', 'cli.js'), ...args],
        {
          env: { ...process.env, OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN },
          timeout: 600_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const updateLimit = async (id: string, limit: number) =>
    (
      await fetch(`${platform.url('account')}/accounts/${id}/limit`, {
        method: 'PUT',
        headers: { ...operatorHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify({ limit }),
      })
    ).status;

  /** A steady trickle of limit updates on seeded accounts until `stop` is called; answers how many succeeded. */
  function liveLoad(perSecond: number): { stop: () => Promise<number> } {
    let running = true;
    let succeeded = 0;
    let next = 0;
    const worker = async () => {
      while (running) {
        const started = Date.now();
        const id = accountIds[next++ % accountIds.length];
        if ((await updateLimit(id, 50_000 + next)) === 200) succeeded++;
        await sleep(Math.max(0, 2_000 / perSecond - (Date.now() - started)));
      }
    };
    const workers = [worker(), worker()];
    const stop = async () => {
      running = false;
      await Promise.all(workers);
      return succeeded;
    };
    cleanups.push(stop);
    return { stop };
  }

  /** Calls `onSample` with the subscriptions every 250 ms, as an operator's screen refreshes, until `stop`. */
  function watchSubscriptions(onSample: (list: SubscriptionView[]) => void): { stop: () => Promise<void> } {
    let running = true;
    const loop = (async () => {
      while (running) {
        onSample(await subscriptions());
        await sleep(250);
      }
    })();
    const stop = async () => {
      running = false;
      await loop;
    };
    cleanups.push(stop);
    return { stop };
  }

  it('backfills 20,000 events from position 0 into bi.account-events alone, in order per account, at its own pace, the others still delivered', async () => {
    // Account's own consumers and Ops' audit log take the seeded history first: the backfill starts on a quiet platform.
    // Two consumers applying 20,000 events each take a while on a busy machine; the bound is for that, not for bi.
    await eventually(
      async () => (await subscriptions()).filter((s) => OTHERS.includes(s.name)).every((s) => s.lagEvents === 0),
      300_000,
      500,
    );
    await queuesDrained(platform.amqpUrl, ['account.account-events', 'ops.account-events']);
    const biAmqpUrl = await platform.addConsumer('bi', ['account']);
    // Fraud's queue shows the relay still delivering to another consumer: only live events (version > 10) count.
    const fraudQueue = await new QueueReader(platform.amqpUrl, 'fraud.account-events').start();
    cleanups.push(() => fraudQueue.stop());
    await eventually(() => fraudQueue.events.length >= SEEDED, 60_000, 200);
    // Another consumer's live events (version > 10) that reached its queue between `from` and `to`.
    const liveDeliveredTo = (from: number, to: number) =>
      fraudQueue.events.filter((e) => e.streamVersion > EVENTS_PER_ACCOUNT && e.receivedAtMs >= from && e.receivedAtMs < to).length;

    const load = liveLoad(25);
    const bi = await new QueueReader(biAmqpUrl, 'bi.account-events').start();
    cleanups.push(() => bi.stop());
    const progress: Backfill[] = [];
    const watcher = watchSubscriptions((list) => {
      const backfill = list.find((s) => s.name === 'bi.account-events')?.backfill;
      if (backfill) progress.push(backfill);
    });
    // As an operator does it: the CLI registers it, then follows the backfill with a progress bar until it has caught up.
    const cli = opsCli([
      'consumers',
      'add',
      'bi.account-events',
      '--from',
      '0',
      '--types',
      'AccountOpened,LimitUpdated',
      '--rate',
      String(BACKFILL_RATE),
    ]);
    const backfillStart = Date.now();
    const registered = await eventually(async () => (await subscriptions()).find((s) => s.name === 'bi.account-events'), 30_000, 100);
    // The backlog at registration: the seeded history and the live updates so far.
    const backlog = registered.backfill!.total;
    expect(registered.backfill).toMatchObject({ ratePerSecond: BACKFILL_RATE });
    expect(backlog).toBeGreaterThanOrEqual(SEEDED);
    const seededIn = () => new Set(bi.events.filter((e) => Number(e.globalPosition) <= SEEDED).map((e) => e.eventId)).size;
    await eventually(() => seededIn() === SEEDED, 120_000, 100);
    const backfillEnd = Date.now();
    await watcher.stop();
    const live = await load.stop();

    // Every seeded event and every live one, each account's in version order, nothing else.
    await eventually(() => new Set(bi.events.map((e) => e.eventId)).size === SEEDED + live, 30_000, 100);
    expect(outOfOrder(bi.events)).toEqual([]);
    expect(new Set(bi.events.map((e) => e.type))).toEqual(new Set(['AccountOpened', 'LimitUpdated']));
    await bi.stop();

    // The pace holds: no faster than the limit (its first quarter second may burst). A floor set by
    // the rate limiter, not a performance figure: how fast the others go meanwhile is in bench:relay (e).
    const backfillSeconds = (backfillEnd - backfillStart) / 1000;
    expect(backfillSeconds).toBeGreaterThanOrEqual(((SEEDED - BACKFILL_RATE / 4) / BACKFILL_RATE) * 0.95);
    // Operators saw it move, then finish.
    expect(progress.some((p) => p.remaining > 0 && p.remaining < p.total)).toBe(true);
    const followed = await cli;
    expect(followed).toMatchObject({ code: 0, stdout: expect.stringContaining('bi.account-events has caught up') });
    expect(followed.stderr).toContain('Backfilling bi.account-events');
    const final = (await subscriptions()).find((s) => s.name === 'bi.account-events');
    expect(final?.backfill).toMatchObject({ total: backlog, remaining: 0, done: true });
    // The others were still delivered while it backfilled, and have caught up with everything since.
    expect(liveDeliveredTo(backfillStart, backfillEnd)).toBeGreaterThan(0);
    await eventually(
      async () => (await subscriptions()).filter((s) => OTHERS.includes(s.name)).every((s) => s.lagEvents === 0),
      30_000,
      200,
    );
    await fraudQueue.stop();
  }, 900_000);

  it('refuses a consumer whose queues are not provisioned, and removing one of the routing table or without a confirmation', async () => {
    expect((await ops.post('/subscriptions', { name: 'nobody.account-events', from: '0' })).body).toMatchObject({
      status: 409,
      code: 'CONSUMER_NOT_PROVISIONED',
    });
    expect((await ops.post('/subscriptions', { name: 'merchant.account-events', from: '0' })).body).toMatchObject({ status: 400 });
    expect((await ops.post('/subscriptions/fraud.account-events/remove', { confirm: 'fraud.account-events' })).body).toMatchObject({
      status: 409,
      code: 'DEFAULT_SUBSCRIPTION',
    });
  });

  it('starts a consumer registered from `now` at the head, and removes it with its queues after a confirmation', async () => {
    const amqpUrl = await platform.addConsumer('late', ['account']);
    const reader = await new QueueReader(amqpUrl, 'late.account-events').start();
    cleanups.push(() => reader.stop());
    const { rows } = await database.query<{ head: string }>('SELECT max(global_position)::text AS head FROM account.events');
    expect(await opsCli(['consumers', 'add', 'late.account-events', '--from', 'now', '--detach'])).toMatchObject({ code: 0 });
    expect((await ops.post('/subscriptions', { name: 'late.account-events', from: '0' })).body).toMatchObject({
      status: 409,
      code: 'SUBSCRIPTION_EXISTS',
    });
    expect(await updateLimit(accountIds[0], 77_777)).toBe(200);
    await eventually(() => reader.events.some((e) => e.streamId === `account-${accountIds[0]}`), 15_000, 100);
    await sleep(500);
    // Nothing of the history before it: only what came after the head.
    expect(reader.events.filter((e) => BigInt(e.globalPosition) <= BigInt(rows[0].head))).toEqual([]);
    expect(reader.events.map((e) => e.type)).toEqual(['LimitUpdated']);
    // Its broker user is like the services': its own queue only, and it may declare nothing.
    await expect(mayConsume(amqpUrl, 'fraud.account-events')).resolves.toBe(false);
    await expect(mayDeclare(amqpUrl, 'late.account-events.extra')).resolves.toBe(false);

    expect((await ops.post('/subscriptions/late.account-events/remove', {})).body).toMatchObject({
      status: 400,
      code: 'CONFIRMATION_REQUIRED',
    });
    expect(await opsCli(['consumers', 'remove', 'late.account-events', '--yes'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Removed the subscription late.account-events'),
    });
    expect((await subscriptions()).some((s) => s.name === 'late.account-events')).toBe(false);
    await platform.removeConsumer('late');
    await expect(queueExists(platform.amqpUrl, 'late.account-events')).resolves.toBe(false);
    await expect(queueExists(platform.amqpUrl, 'late.account-events.dlq')).resolves.toBe(false);
    // The relay of Account still runs for everyone else.
    expect(await updateLimit(accountIds[1], 88_888)).toBe(200);
    await eventually(
      async () => (await subscriptions()).filter((s) => OTHERS.includes(s.name)).every((s) => s.lagEvents === 0),
      15_000,
      200,
    );
  });
});

/** Appends `ACCOUNTS` streams of `EVENTS_PER_ACCOUNT` events straight into Account's event table, as its store would. */
async function seedAccountEvents(database: Client): Promise<string[]> {
  const perTransaction = 200;
  for (let done = 0; done < ACCOUNTS; done += perTransaction) {
    await database.query(
      `INSERT INTO account.events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       SELECT gen_random_uuid(), 'account-' || a.id, v.version,
              CASE WHEN v.version = 1 THEN 'AccountOpened' ELSE 'LimitUpdated' END, 1,
              CASE WHEN v.version = 1
                THEN jsonb_build_object('id', a.id, 'name', 'Ada', 'lastName', 'Lovelace', 'country', 'NL',
                       'address', jsonb_build_object('street', 'Main 1', 'city', 'Delft', 'zip', '2611'),
                       'limit', 1000, 'currency', 'EUR')
                ELSE jsonb_build_object('id', a.id, 'newLimit', 1000 + (v.version - 1) * 10, 'oldLimit', 1000 + (v.version - 2) * 10)
              END,
              jsonb_build_object('actor', 'e2e-seed')
         FROM (SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)) a
        CROSS JOIN generate_series(1, $2) AS v(version)
        ORDER BY a.id, v.version`,
      [perTransaction, EVENTS_PER_ACCOUNT],
    );
  }
  const { rows } = await database.query<{ id: string }>(`SELECT data->>'id' AS id FROM account.events WHERE type = 'AccountOpened'`);
  return rows.map((row) => row.id);
}

/** Each stream's events whose version does not follow the one before it. */
function outOfOrder(events: ReadEvent[]): string[] {
  const last = new Map<string, number>();
  const wrong: string[] = [];
  for (const event of events) {
    const previous = last.get(event.streamId) ?? 0;
    if (event.streamVersion !== previous + 1) wrong.push(`${event.streamId}: ${previous} then ${event.streamVersion}`);
    last.set(event.streamId, event.streamVersion);
  }
  return wrong;
}

async function queuesDrained(amqpUrl: string, queues: string[]): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await eventually(
      async () => {
        for (const queue of queues) if ((await channel.checkQueue(queue)).messageCount > 0) return false;
        return true;
      },
      300_000,
      500,
    );
  } finally {
    await connection.close();
  }
}

async function queueExists(amqpUrl: string, queue: string): Promise<boolean> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel.checkQueue(queue).then(
      () => true,
      () => false,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Whether the user of `amqpUrl` may take messages from `queue`. */
async function mayConsume(amqpUrl: string, queue: string): Promise<boolean> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel
      .consume(queue, () => undefined)
      .then(
        () => true,
        () => false,
      );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Whether the user of `amqpUrl` may declare a queue named `queue`. */
async function mayDeclare(amqpUrl: string, queue: string): Promise<boolean> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel.assertQueue(queue, { durable: false, autoDelete: true }).then(
      () => true,
      () => false,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}
