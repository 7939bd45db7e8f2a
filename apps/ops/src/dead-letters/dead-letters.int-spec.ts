import { Headers, retryQueuesOf } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { opsDdl } from '../migrations/ops-ddl';
import { DeadLetterReplayer } from './dead-letter-replayer';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterDrain } from './messaging/dead-letter-drain';

/** A replayer whose publishes wait for `open()`: a broker slow to confirm, held still for a look. */
class GatedReplayer extends DeadLetterReplayer {
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  publishing = false;

  open(): void {
    this.release();
  }

  protected override async publish(queue: string, messages: Parameters<DeadLetterReplayer['publish']>[1]): Promise<void> {
    this.publishing = true;
    await this.gate;
    return super.publish(queue, messages);
  }
}

describe('Dead-letter drain and replayer against PostgreSQL and RabbitMQ', () => {
  let table: string;
  const queue = `t${uniqueSuffix()}.account-events`;
  const dlq = `${queue}.dlq`;
  let dataSource: DataSource;
  let repository: DeadLetterRepository;
  let connection: AmqpConnection;
  let channel: Channel;
  let drain: DeadLetterDrain;
  let replayer: DeadLetterReplayer;

  beforeAll(async () => {
    let schema: string;
    ({ dataSource, schema } = await freshEventStore('ops'));
    for (const statement of opsDdl(schema)) await dataSource.query(statement);
    repository = new DeadLetterRepository(schema);
    table = `"${schema}".dead_letters`;
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'ops-dead-letters-int-spec' });
    await connection.start();
    drain = new DeadLetterDrain({ connection, dataSource, repository, queues: [queue], lingerMs: 5 });
    await drain.start();
    replayer = new DeadLetterReplayer(connection, dataSource, repository);
    channel = await connection.current().createChannel();
  });

  afterAll(async () => {
    await drain.stop();
    await replayer.close();
    for (const name of [queue, dlq, ...retryQueuesOf(queue)]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.close().catch(() => undefined);
    await connection.close();
    await dataSource.destroy();
  });

  const deadLetter = (messageId: string, failure: { attempts: number; at: string; code?: string }) => {
    channel.sendToQueue(dlq, Buffer.from(JSON.stringify({ eventId: messageId })), {
      messageId,
      type: 'LimitUpdated',
      persistent: true,
      headers: {
        [Headers.streamId]: 'account-1',
        [Headers.originalQueue]: queue,
        [Headers.attempts]: failure.attempts,
        [Headers.errorCode]: failure.code ?? 'OUT_OF_ORDER',
        [Headers.errorMessage]: 'early',
        [Headers.firstFailedAt]: failure.at,
        [Headers.lastFailedAt]: failure.at,
      },
    });
  };
  const row = async (messageId: string) => {
    const { items } = await repository.list(dataSource.manager, { status: 'all', queue }, { after: 0, limit: 1000 });
    return items.find((item) => item.messageId === messageId);
  };
  const stored = (messageId: string) => eventually(() => row(messageId), 10_000, 20);
  /** What arrives in the main queue within a moment after `expected` messages came (basic.get is refused on it). */
  const receiveFromMain = async (expected: number) => {
    const messages: ConsumeMessage[] = [];
    const { consumerTag } = await channel.consume(queue, (message) => message && messages.push(message), { noAck: true });
    await eventually(() => messages.length >= expected, 10_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await channel.cancel(consumerTag);
    return messages;
  };

  it('stores a redelivered failure once, and brings back a renewed one (even archived) with its attempts added up', async () => {
    const messageId = randomUUID();
    deadLetter(messageId, { attempts: 5, at: '2025-01-01T10:00:00.000Z' });
    expect(await stored(messageId)).toMatchObject({ attempts: 5, timesDeadLettered: 1, status: 'dead' });

    const marker = randomUUID();
    deadLetter(messageId, { attempts: 5, at: '2025-01-01T10:00:00.000Z' });
    deadLetter(marker, { attempts: 1, at: '2025-01-01T10:00:00.000Z' });
    await stored(marker);
    expect(await row(messageId)).toMatchObject({ attempts: 5, timesDeadLettered: 1 });

    const { id } = (await row(messageId))!;
    expect(await dataSource.transaction((manager) => repository.archive(manager, [id], 'ann'))).toEqual([id]);
    deadLetter(messageId, { attempts: 3, at: '2025-01-01T11:00:00.000Z', code: 'TIMEOUT' });
    const renewed = await eventually(
      async () => {
        const found = await row(messageId);
        return found?.timesDeadLettered === 2 ? found : undefined;
      },
      10_000,
      20,
    );
    expect(renewed).toMatchObject({
      id,
      attempts: 8,
      status: 'dead',
      errorCode: 'TIMEOUT',
      firstFailedAt: new Date('2025-01-01T10:00:00.000Z'),
      lastFailedAt: new Date('2025-01-01T11:00:00.000Z'),
    });
  });

  it('stores a replayed dead letter that fails again with an earlier timestamp (a consumer clock behind)', async () => {
    const messageId = randomUUID();
    deadLetter(messageId, { attempts: 5, at: '2025-01-01T11:00:00.000Z' });
    const { id } = await stored(messageId);
    expect(await replayer.replay([id], 'ann')).toMatchObject({ done: 1 });
    const [replayed] = await receiveFromMain(1);
    expect(await row(messageId)).toMatchObject({ status: 'replayed', replayCount: 1 });

    // The pre-replay failure redelivered (a drain that crashed before its ack) changes nothing.
    deadLetter(messageId, { attempts: 5, at: '2025-01-01T11:00:00.000Z' });
    const marker = randomUUID();
    deadLetter(marker, { attempts: 1, at: '2025-01-01T10:00:00.000Z' });
    await stored(marker);
    expect(await row(messageId)).toMatchObject({ status: 'replayed', timesDeadLettered: 1 });

    // The replay fails at a consumer whose clock is an hour behind: it keeps the replay's headers.
    channel.sendToQueue(dlq, replayed.content, {
      messageId,
      type: 'LimitUpdated',
      persistent: true,
      headers: {
        ...replayed.properties.headers,
        [Headers.originalQueue]: queue,
        [Headers.attempts]: 1,
        [Headers.errorCode]: 'OUT_OF_ORDER',
        [Headers.errorMessage]: 'still early',
        [Headers.lastFailedAt]: '2025-01-01T10:00:00.000Z',
      },
    });
    const again = await eventually(
      async () => {
        const found = await row(messageId);
        return found?.status === 'dead' ? found : undefined;
      },
      10_000,
      20,
    );
    expect(again).toMatchObject({ id, timesDeadLettered: 2, attempts: 6, errorMessage: 'still early', replayCount: 1 });
  });

  it('holds no row lock while a replay awaits the broker, and turns a claim cut short back to dead', async () => {
    const messageId = randomUUID();
    deadLetter(messageId, { attempts: 2, at: new Date().toISOString() });
    const { id } = await stored(messageId);
    const gated = new GatedReplayer(connection, dataSource, repository);
    try {
      const replaying = gated.replay([id], 'ann');
      await eventually(() => gated.publishing, 10_000, 10);
      // Mid-replay, another transaction takes the row's lock at once.
      await dataSource.transaction(async (manager) => {
        const locked = await manager.query(`SELECT id FROM ${table} WHERE id = $1 FOR UPDATE NOWAIT`, [id]);
        expect(locked).toHaveLength(1);
      });
      expect(await row(messageId)).toMatchObject({ status: 'replayed', replayCount: 1 });
      gated.open();
      expect(await replaying).toMatchObject({ done: 1, failed: [] });
      expect((await receiveFromMain(1))[0].properties.messageId).toBe(messageId);
    } finally {
      gated.open();
      await gated.close();
    }

    // A replay whose process died after claiming: released as stale, dead again, numbered as before.
    const other = randomUUID();
    deadLetter(other, { attempts: 2, at: new Date().toISOString() });
    const claimedId = (await stored(other)).id;
    await dataSource.transaction((manager) => repository.claimDead(manager, [claimedId], 'bob'));
    expect(await row(other)).toMatchObject({ status: 'replayed', replayCount: 1 });
    expect(await replayer.releaseStaleClaims(0)).toBe(1);
    expect(await row(other)).toMatchObject({ status: 'dead', replayCount: 0 });
    expect(await replayer.releaseStaleClaims(0)).toBe(0);
  });

  it('publishes each dead letter once when two operators replay the same ones at the same moment', async () => {
    const messageIds = Array.from({ length: 20 }, () => randomUUID());
    for (const messageId of messageIds) deadLetter(messageId, { attempts: 1, at: new Date().toISOString() });
    const ids = await Promise.all(messageIds.map(async (messageId) => (await stored(messageId)).id));

    const [first, second] = await Promise.all([replayer.replay(ids, 'ann'), replayer.replay(ids, 'bob')]);

    expect(first.done + second.done).toBe(20);
    expect(first.skipped.length + second.skipped.length).toBe(20);
    expect([...first.skipped, ...second.skipped].every((s) => s.reason === 'already replayed')).toBe(true);
    const published = await receiveFromMain(20);
    expect(published.map((m) => m.properties.messageId).sort()).toEqual([...messageIds].sort());
    expect(published[0].properties.headers).not.toHaveProperty(Headers.attempts);
    expect(published[0].properties.headers).toMatchObject({ [Headers.streamId]: 'account-1' });
    for (const messageId of messageIds) expect(await row(messageId)).toMatchObject({ status: 'replayed', replayCount: 1 });
  });

  it('leaves a dead letter dead when the broker cannot route its replay', async () => {
    const messageId = randomUUID();
    deadLetter(messageId, { attempts: 1, at: new Date().toISOString() });
    const { id } = await stored(messageId);
    await channel.deleteQueue(queue);

    const outcome = await replayer.replay([id], 'ann');

    expect(outcome).toMatchObject({ done: 0, failed: [{ id, reason: expect.stringContaining('could not be routed') }] });
    expect(await row(messageId)).toMatchObject({ status: 'dead', replayCount: 0 });
  });

  it('drains again after its DLQ was deleted under it', async () => {
    await channel.deleteQueue(dlq);
    const messageId = randomUUID();
    // A failed check closes its channel, so each probe gets one of its own.
    await eventually(
      async () => {
        const probe = await connection.current().createChannel();
        probe.on('error', () => undefined);
        await probe.checkQueue(dlq);
        await probe.close();
        return true;
      },
      10_000,
      100,
    );
    deadLetter(messageId, { attempts: 1, at: new Date().toISOString() });
    expect(await stored(messageId)).toMatchObject({ status: 'dead' });
  });
});
