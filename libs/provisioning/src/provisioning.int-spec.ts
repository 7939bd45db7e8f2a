import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { legacyRetryQueueOf, retryQueuesOf } from '@app/contracts';
import { testAmqpUrl } from '@app/testing';
import { connect } from 'amqplib';
import { vhostUrl } from './broker-provisioning';
import { DATA_SERVICES, principalOf } from './principals';
import { provision, readEnvFiles, writeEnvFiles } from './provision';
import { adminDatabaseUrl, brokerVerdict, provisionedScene, queryAs } from './test/provision-test-kit';

describe('provisioning: a database, a role and a broker user per service', () => {
  let scene: Awaited<ReturnType<typeof provisionedScene>>;
  const url = (service: (typeof DATA_SERVICES)[number], key = 'DATABASE_URL') => scene.settings.get(service)![key];

  beforeAll(async () => {
    scene = await provisionedScene();
  });
  afterAll(async () => scene?.remove());

  it('gives each service a role that is no superuser and may create neither roles nor databases, with bounded timeouts', async () => {
    const roles = DATA_SERVICES.map((service) => principalOf(service, scene.names).role);
    const { rows } = await queryAs(
      adminDatabaseUrl(),
      `SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, s.setconfig
      FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
     WHERE r.rolname IN (${roles.map((r) => `'${r}'`).join(',')}) ORDER BY r.rolname`,
    );
    expect(rows).toHaveLength(5);
    for (const row of rows!) {
      expect(row).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false });
      expect(row.setconfig).toEqual(expect.arrayContaining(['statement_timeout=60s', 'idle_in_transaction_session_timeout=60s']));
    }
    for (const service of DATA_SERVICES) {
      const { rows: settings } = await queryAs(
        url(service),
        `SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_user AS role`,
      );
      expect(settings).toEqual([{ statement: '1min', idle: '1min', role: principalOf(service, scene.names).role }]);
    }
  });

  it("refuses every role another service's database, and so its events", async () => {
    const merchantEvents = scene.adminUrlOf('merchant');
    await queryAs(url('merchant'), 'CREATE SCHEMA merchant; CREATE TABLE merchant.events (data jsonb)');
    expect((await queryAs(url('merchant'), 'SELECT count(*)::int AS n FROM merchant.events')).rows).toEqual([{ n: 0 }]);
    for (const service of DATA_SERVICES.filter((s) => s !== 'merchant')) {
      const intruder = new URL(url(service));
      intruder.pathname = new URL(merchantEvents).pathname;
      const attempt = await queryAs(intruder.toString(), 'SELECT * FROM merchant.events');
      expect(attempt).toMatchObject({ code: '42501' });
      expect(attempt.error).toContain('permission denied');
    }
  });

  it("lets account's broker user publish only through its own exchange and consume only its own queues", async () => {
    const account = url('account', 'AMQP_URL');
    const body = Buffer.from('{}');
    const publish = (exchange: string, key: string) => async (channel: import('amqplib').ConfirmChannel) => {
      channel.publish(exchange, key, body, { mandatory: true, persistent: true });
      await channel.waitForConfirms();
    };
    expect(await brokerVerdict(account, publish('', 'fraud.merchant-events'))).toMatch(/ACCESS_REFUSED/);
    expect(await brokerVerdict(account, publish('merchant.events', 'fraud.merchant-events'))).toMatch(/ACCESS_REFUSED/);
    expect(await brokerVerdict(account, publish('ops.replay', 'fraud.merchant-events'))).toMatch(/ACCESS_REFUSED/);
    expect(await brokerVerdict(account, publish('fraud.failures', 'fraud.merchant-events.dlq'))).toMatch(/ACCESS_REFUSED/);
    expect(await brokerVerdict(account, (channel) => channel.consume('fraud.account-events', () => undefined))).toMatch(/ACCESS_REFUSED/);
    expect(await brokerVerdict(account, (channel) => channel.consume('account.account-events.dlq', () => undefined))).toMatch(
      /ACCESS_REFUSED/,
    );
    expect(await brokerVerdict(account, (channel) => channel.deleteQueue('fraud.account-events'))).toMatch(/ACCESS_REFUSED/);
    // What it is there for still works: its relay feeds fraud, and it consumes its own queue.
    expect(await brokerVerdict(account, publish('account.events', 'fraud.account-events'))).toBe('accepted');
    expect(await brokerVerdict(account, (channel) => channel.consume('account.account-events', () => undefined))).toBe('accepted');
    expect(await brokerVerdict(url('fraud', 'AMQP_URL'), (channel) => channel.consume('fraud.account-events', () => undefined))).toBe(
      'accepted',
    );
  });

  it('lets ops drain every dead-letter queue and replay into main queues only', async () => {
    const ops = url('ops', 'AMQP_URL');
    expect(await brokerVerdict(ops, (channel) => channel.consume('fraud.account-events.dlq', () => undefined))).toBe('accepted');
    expect(await brokerVerdict(ops, (channel) => channel.consume('fraud.account-events', () => undefined))).toMatch(/ACCESS_REFUSED/);
    const replay = async (channel: import('amqplib').ConfirmChannel) => {
      channel.publish('ops.replay', 'fraud.account-events', Buffer.from('{}'), { mandatory: true });
      await channel.waitForConfirms();
    };
    expect(await brokerVerdict(ops, replay)).toBe('accepted');
    expect(
      await brokerVerdict(ops, async (channel) => {
        channel.publish('account.events', 'fraud.account-events', Buffer.from('{}'));
        await channel.waitForConfirms();
      }),
    ).toMatch(/ACCESS_REFUSED/);
  });

  it("lets a consumer's user move a failed message into each of its retry tiers, through its failures exchange", async () => {
    for (const tier of retryQueuesOf('fraud.account-events')) {
      const verdict = await brokerVerdict(url('fraud', 'AMQP_URL'), async (channel) => {
        channel.publish('fraud.failures', tier, Buffer.from('{}'), { mandatory: true, persistent: true });
        await channel.waitForConfirms();
      });
      expect({ tier, verdict }).toEqual({ tier, verdict: 'accepted' });
    }
  });

  it('retires the single retry queue of an earlier installation: unbound at once, deleted once it is empty', async () => {
    const queue = 'fraud.account-events';
    const legacy = legacyRetryQueueOf(queue);
    const admin = await connect(vhostUrl(testAmqpUrl(), scene.names.vhost));
    admin.on('error', () => undefined);
    const exists = async () => {
      const probe = await admin.createChannel();
      probe.on('error', () => undefined);
      return probe.checkQueue(legacy).then(
        async ({ messageCount }) => (await probe.close(), { messageCount }),
        () => 'gone',
      );
    };
    const provisionAgain = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'provision-'));
      await writeEnvFiles(dir, scene.settings);
      await provision({
        adminDatabaseUrl: adminDatabaseUrl(),
        adminAmqpUrl: testAmqpUrl(),
        names: scene.names,
        previous: (await readEnvFiles(dir, DATA_SERVICES)) as never,
      });
    };
    try {
      // As the version before the retry tiers declared it, holding one message with a long expiry.
      const channel = await admin.createConfirmChannel();
      await channel.assertQueue(legacy, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-dead-letter-exchange': 'account.events',
          'x-dead-letter-routing-key': queue,
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      });
      await channel.bindQueue(legacy, 'fraud.failures', legacy);
      channel.publish('fraud.failures', legacy, Buffer.from('{}'), { persistent: true, mandatory: true, expiration: '600000' });
      await channel.waitForConfirms();

      await provisionAgain();
      // Still there with its message, which will expire back to its main queue; nothing new gets in.
      expect(await exists()).toEqual({ messageCount: 1 });
      const fraud = await connect(url('fraud', 'AMQP_URL'));
      try {
        const retries = await fraud.createConfirmChannel();
        let returned = false;
        retries.on('return', () => (returned = true));
        retries.publish('fraud.failures', legacy, Buffer.from('{}'), { mandatory: true, persistent: true });
        // A return comes before its confirm.
        await retries.waitForConfirms();
        expect(returned).toBe(true);
      } finally {
        await fraud.close();
      }

      await channel.purgeQueue(legacy);
      await provisionAgain();
      expect(await exists()).toBe('gone');
    } finally {
      await admin.close().catch(() => undefined);
    }
  });

  it('is idempotent: run again with the settings it wrote, every service keeps its passwords', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-'));
    await writeEnvFiles(dir, scene.settings);
    expect((await stat(join(dir, 'account.env'))).mode & 0o777).toBe(0o600);
    const previous = await readEnvFiles(dir, DATA_SERVICES);
    const again = await provision({
      adminDatabaseUrl: adminDatabaseUrl(),
      adminAmqpUrl: testAmqpUrl(),
      names: scene.names,
      previous: previous as never,
    });
    expect(Object.fromEntries(again)).toEqual(Object.fromEntries(scene.settings));
    expect((await queryAs(url('account'), 'SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    expect(await readFile(join(dir, 'ops.env'), 'utf8')).toContain(`AMQP_URL=${url('ops', 'AMQP_URL')}`);
  });
});
