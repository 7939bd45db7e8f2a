import { eventStoreDdl } from '@app/eventstore';
import { AmqpConnection } from '@app/messaging';
import { OutboxRelay, subscriptionsDdl } from '@app/relay';
import { eventually, testAmqpUrl } from '@app/testing';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { provisionedScene } from './test/provision-test-kit';
import { vhostUrl } from './broker-provisioning';

const QUEUE = 'fraud.account-events';

/** The account relay running as account's own role and broker user, as a provisioned service runs it. */
describe('the relay under a provisioned, restricted role', () => {
  let scene: Awaited<ReturnType<typeof provisionedScene>>;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  const arrived: string[] = [];
  const open: Client[] = [];
  let stopRecording: () => Promise<void>;

  const session = async (url: string) => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    open.push(client);
    return client;
  };
  const append = (client: Client, streamId: string) =>
    client.query(`INSERT INTO account.events (event_id, stream_id, stream_version, type, data) VALUES ($1, $2, 1, 'LimitUpdated', '{}')`, [
      randomUUID(),
      streamId,
    ]);

  beforeAll(async () => {
    scene = await provisionedScene();
    const account = scene.settings.get('account')!;
    const owner = await session(account.DATABASE_URL);
    for (const statement of [...eventStoreDdl('account'), ...subscriptionsDdl('account')]) await owner.query(statement);
    connection = new AmqpConnection({ url: account.AMQP_URL, name: 'restricted-relay-spec' });
    await connection.start();
    relay = new OutboxRelay({
      databaseUrl: account.DATABASE_URL,
      schema: 'account',
      producer: 'account',
      connection,
      routes: [{ queue: QUEUE, eventTypes: null }],
      pollIntervalMs: 100,
      frontierCheckIntervalMs: 100,
    });
    await relay.start();
    const reader = await connect(vhostUrl(testAmqpUrl(), scene.names.vhost));
    const channel = await reader.createChannel();
    await channel.consume(QUEUE, (message) => message && arrived.push(String(message.properties.headers?.['x-stream-id'])), {
      noAck: true,
    });
    stopRecording = () => reader.close();
  });

  afterAll(async () => {
    for (const client of open) await client.end().catch(() => undefined);
    await stopRecording?.();
    await relay?.stop();
    await connection?.close();
    await scene?.remove();
  });

  it("does not skip an event an administrator's session commits late in its database", async () => {
    const admin = await session(scene.adminUrlOf('account'));
    const writer = await session(scene.settings.get('account')!.DATABASE_URL);
    const late = `account-late-${randomUUID()}`;
    const early = `account-early-${randomUUID()}`;
    await admin.query('BEGIN');
    await append(admin, late);
    await append(writer, early);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(arrived).not.toContain(early);
    await admin.query('COMMIT');
    await eventually(() => arrived.includes(late) && arrived.includes(early), 15_000);
    expect(arrived.indexOf(late)).toBeLessThan(arrived.indexOf(early));
  });

  it("is not held back by a long transaction in another service's database", async () => {
    const merchant = await session(scene.settings.get('merchant')!.DATABASE_URL);
    await merchant.query('BEGIN');
    await merchant.query('SELECT pg_current_xact_id()');
    const writer = await session(scene.settings.get('account')!.DATABASE_URL);
    const stream = `account-${randomUUID()}`;
    await append(writer, stream);
    await eventually(() => arrived.includes(stream), 15_000);
    await merchant.query('ROLLBACK');
  });
});
