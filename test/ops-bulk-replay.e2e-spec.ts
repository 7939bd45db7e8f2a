import { AmqpConnection, PermanentMessageError, QueueConsumer } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { eventually, freePort, storeDdl, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { asDeadLetter, eventMessage, OpsApi, QueueWriter, runOpsCli, startPlatform } from './support/ops-e2e-support';

const QUEUE = 'fraud.account-events';
const SCHEMA = 'bulk_consumer';
const MESSAGES = 10_000;
const FAILED_FOR_REAL = 200;
const FAULT = { code: 'LEDGER_CLOSED', reason: 'the ledger is closed for the night' };

/**
 * Ten thousand dead letters replayed through the CLI. The consumer of fraud.account-events is
 * this spec's own (Fraud is not started): it refuses every event while "the ledger is closed",
 * and records each effect in its own table once the cause is gone. A sample goes through the
 * consumer's real failure path; the rest is put into the DLQ directly, in the same form, because
 * failing ten thousand messages one transaction at a time would dominate the run.
 */
describe('Ops CLI and bulk replay', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let consumer: QueueConsumer;
  let ledgerClosed = true;

  beforeAll(async () => {
    // The consumer logs every dead-lettering; ten thousand lines through jest's console cost a minute.
    Logger.overrideLogger(false);
    platform = await startPlatform(['ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    // This consumer's durability is not under test: skipping the WAL flush per commit keeps the spec short.
    dataSource = new DataSource({
      type: 'postgres',
      url: platform.databaseUrl('ops'),
      schema: SCHEMA,
      extra: { max: 8, options: '-c synchronous_commit=off' },
    });
    await dataSource.initialize();
    for (const statement of storeDdl(SCHEMA)) await dataSource.query(statement);
    // No key on purpose: a message applied twice would show as two rows.
    await dataSource.query(`CREATE TABLE ${SCHEMA}.effects (message_id text NOT NULL, stream_id text NOT NULL)`);
    connection = new AmqpConnection({ url: platform.amqpUrl, name: 'bulk-consumer' });
    await connection.start();
    consumer = new QueueConsumer({
      queue: QUEUE,
      connection,
      dataSource,
      schema: SCHEMA,
      prefetch: 400,
      dispatch: async (event, delivery) => {
        if (ledgerClosed) throw new PermanentMessageError(FAULT.code, FAULT.reason);
        await delivery.manager.query(`INSERT INTO ${SCHEMA}.effects VALUES ($1, $2)`, [event.eventId, event.streamId]);
        return 'handled';
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await connection?.close();
    await dataSource?.destroy();
    await writer?.stop();
    await platform?.stop();
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runOpsCli(args, { OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN, ...env });
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+/);

  it('fails clearly, with a non-zero exit and no stack trace: Ops unreachable, no or wrong token, unknown id, bad usage', async () => {
    const unreachable = await cli(['groups'], { OPS_URL: `http://127.0.0.1:${await freePort()}` });
    expect(unreachable).toMatchObject({ code: 1, stdout: '' });
    expect(unreachable.stderr).toMatch(/^ops: Cannot reach Ops at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    const anonymous = await cli(['replay', '1'], { OPS_TOKEN: '' });
    expect(anonymous).toMatchObject({ code: 1, stderr: 'ops: Ops refused the request: it needs your credential. Set OPS_TOKEN.\n' });
    const wrong = await cli(['pause', QUEUE], { OPS_TOKEN: 'not-the-token' });
    expect(wrong).toMatchObject({
      code: 1,
      stderr: 'ops: Ops does not know the credential in OPS_TOKEN (removed, retired or mistyped).\n',
    });

    const unknown = await cli(['show', '987654321']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Dead letter 987654321 does not exist (404 DEAD_LETTER_NOT_FOUND)');
    const usage = await cli(['replay']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give dead-letter ids');
    for (const run of [unreachable, anonymous, wrong, unknown, usage]) noStack(run.stderr);
  });

  it('replays 10,000 dead letters with a progress bar; none is lost and none is applied twice', async () => {
    const messages = Array.from({ length: MESSAGES }, () =>
      eventMessage({
        type: 'AccountOpened',
        streamId: `account-${randomUUID()}`,
        streamVersion: 1,
        // A valid AccountOpened: the consumer checks every event against its schema before the handler sees it.
        data: {
          id: randomUUID(),
          name: 'Bulk',
          lastName: 'Replay',
          country: 'GB',
          address: { street: '1 Queue St', city: 'Leeds', zip: 'LS1' },
          limit: 0,
          currency: 'EUR',
        },
      }),
    );
    await writer.publish(QUEUE, messages.slice(0, FAILED_FOR_REAL));
    for (let start = FAILED_FOR_REAL; start < MESSAGES; start += 1_000) {
      const deadLetters = messages.slice(start, start + 1_000).map((m) => asDeadLetter(m, QUEUE, FAULT.code, FAULT.reason));
      await writer.publish(`${QUEUE}.dlq`, deadLetters);
    }

    const group = await eventually(
      async () => {
        const found = (await ops.groups()).find((g) => g.queue === QUEUE && g.code === 'LEDGER_CLOSED');
        return found?.count === MESSAGES ? found : undefined;
      },
      60_000,
      250,
    );
    expect(group).toMatchObject({ type: 'AccountOpened' });
    const groups = await cli(['groups']);
    expect(groups.code).toBe(0);
    expect(groups.stdout).toMatch(new RegExp(`${QUEUE.replace('.', '\\.')}\\s+AccountOpened\\s+LEDGER_CLOSED\\s+${MESSAGES}`));
    const listed = await cli(['list', '--queue', QUEUE, '--limit', '3', '--json']);
    const page = JSON.parse(listed.stdout) as { total: number; items: { errorCode: string }[] };
    expect(page.total).toBe(MESSAGES);
    expect(page.items.map((item) => item.errorCode)).toEqual(['LEDGER_CLOSED', 'LEDGER_CLOSED', 'LEDGER_CLOSED']);

    ledgerClosed = false;
    const started = Date.now();
    const replay = await cli(['replay', '--queue', QUEUE, '--code', 'LEDGER_CLOSED']);
    const replaySeconds = (Date.now() - started) / 1000;
    expect(replay.stdout).toBe(`Replayed ${MESSAGES} of ${MESSAGES} dead letter(s); 0 skipped, 0 failed.\n`);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain(`| ${MESSAGES}/${MESSAGES} dead letters | 100%`);
    expect(replay.stderr).toMatch(/\| [1-9]\d{2,3}\/10000 dead letters/);

    const applied = await eventually(
      async () => {
        const [row] = await dataSource.query(
          `SELECT count(*)::int AS effects, count(DISTINCT message_id)::int AS messages FROM ${SCHEMA}.effects`,
        );
        return row.effects >= MESSAGES ? row : undefined;
      },
      90_000,
      250,
    );
    // Give a stray duplicate the time to show up before counting for good.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [final] = await dataSource.query(
      `SELECT count(*)::int AS effects, count(DISTINCT message_id)::int AS messages FROM ${SCHEMA}.effects`,
    );
    expect(final).toEqual({ effects: MESSAGES, messages: MESSAGES });
    expect(applied.messages).toBe(MESSAGES);
    const effectIds = new Set(
      (await dataSource.query(`SELECT message_id FROM ${SCHEMA}.effects`)).map((r: { message_id: string }) => r.message_id),
    );
    expect(messages.every((m) => effectIds.has(m.options.messageId))).toBe(true);

    expect((await ops.groups()).filter((g) => g.queue === QUEUE)).toEqual([]);
    expect(await ops.get(`/dead-letters?queue=${QUEUE}&status=replayed&limit=1`)).toMatchObject({ total: MESSAGES });
    expect(await writer.depth(`${QUEUE}.dlq`)).toBe(0);
    process.stdout.write(`bulk replay of ${MESSAGES} dead letters through the CLI: ${replaySeconds.toFixed(1)} s\n`);
  });
});
