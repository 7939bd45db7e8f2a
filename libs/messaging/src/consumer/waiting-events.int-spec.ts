import { deadLetterQueueOf } from '@app/contracts';
import { DomainError } from '@app/domain';
import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { TestBroker, accountEvent } from '../test/messaging-test-kit';
import { QueueConsumer } from './queue-consumer';

type Behaviour = { fail?: 'transient' | 'domain'; failAttempts?: number };
type Event = ReturnType<typeof accountEvent>;

describe('events that arrive before their predecessor wait for it (QueueConsumer, RabbitMQ and PostgreSQL)', () => {
  const run = uniqueSuffix();
  const queue = `t${run}.account-events`;
  const gapQueue = `t${run}g.account-events`;
  let schema: string;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let broker: TestBroker;
  const consumers: QueueConsumer[] = [];
  const attempts = new Map<string, number[]>();

  const consumerOf = (name: string, gapTimeoutMs?: number) =>
    new QueueConsumer({
      queue: name,
      connection,
      dataSource,
      schema,
      maxAttempts: 4,
      gapTimeoutMs,
      dispatch: async (envelope, delivery) => {
        attempts.set(envelope.eventId, [...(attempts.get(envelope.eventId) ?? []), delivery.attempt]);
        await delivery.manager.query(`INSERT INTO "${schema}".effects (event_id, stream_id, version) VALUES ($1, $2, $3)`, [
          envelope.eventId,
          envelope.streamId,
          envelope.streamVersion,
        ]);
        const behaviour = envelope.data as Behaviour;
        if (behaviour.fail === 'domain') throw new DomainError('rule', 'LIMIT_TOO_LOW', 'the limit is below the balance');
        if (behaviour.fail === 'transient' && delivery.attempt <= (behaviour.failAttempts ?? 0)) {
          throw Object.assign(new Error('handler briefly failing'), { code: 'HANDLER_FLAKY' });
        }
        return 'handled';
      },
    });

  const effects = async (streamId: string): Promise<{ version: number; transaction: string }[]> =>
    dataSource.query(`SELECT version, transaction_id::text AS transaction FROM "${schema}".effects WHERE stream_id = $1 ORDER BY seq`, [
      streamId,
    ]);
  const versions = async (streamId: string) => (await effects(streamId)).map((row) => row.version);
  const waitingCount = async (streamId: string): Promise<number> =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM "${schema}".waiting_events WHERE stream_id = $1`, [streamId]))[0].n);
  /** Publishes as the relay does: previous version, and the event's place in its append. */
  const publish = (to: string, event: Event, append: { index: number; count: number } = { index: 1, count: 1 }, previous?: number) =>
    broker.publish(to, event, {
      headers: {
        'x-previous-stream-version': previous ?? event.streamVersion - 1,
        'x-append-index': append.index,
        'x-append-count': append.count,
      },
    });
  const stream = (prefix: string, count: number, data: (version: number) => Behaviour = () => ({})) => {
    const streamId = `account-${prefix}-${uniqueSuffix()}`;
    return Array.from({ length: count }, (_, i) => accountEvent(streamId, i + 1, data(i + 1)));
  };

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    await dataSource.query(`CREATE TABLE "${schema}".effects (
      seq serial, event_id uuid, stream_id text, version int, transaction_id xid8 DEFAULT pg_current_xact_id())`);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'waiting-events-spec' });
    await connection.start();
    broker = await TestBroker.open();
    consumers.push(consumerOf(queue), consumerOf(gapQueue, 1_500));
    for (const consumer of consumers) await consumer.start();
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await broker?.deleteQueues([queue, gapQueue]);
    await broker?.close();
    await connection?.close();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('applies v4..v11 delivered before v2 in order, right after v3, spending no attempt and no retry', async () => {
    const events = stream('early', 11);
    await publish(queue, events[0]);
    for (const event of events.slice(3)) await publish(queue, event);
    await eventually(async () => (await waitingCount(events[0].streamId)) === 8, 10_000);
    expect(await versions(events[0].streamId)).toEqual([1]);

    await publish(queue, events[1]);
    await publish(queue, events[2]);
    await eventually(async () => (await versions(events[0].streamId)).length === 11, 10_000);
    const applied = await effects(events[0].streamId);
    expect(applied.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // v3 closed the gap: it and the eight behind it share its transaction.
    expect(new Set(applied.slice(2).map((row) => row.transaction)).size).toBe(1);
    // Each handled once, at its first attempt: none went through a retry tier.
    expect(events.map((event) => attempts.get(event.eventId))).toEqual(events.map(() => [1]));
    expect(await waitingCount(events[0].streamId)).toBe(0);
    expect(await broker.drain(deadLetterQueueOf(queue))).toEqual([]);
  });

  it('drops a duplicate of a waiting event', async () => {
    const events = stream('dup', 3);
    await publish(queue, events[0]);
    await publish(queue, events[2]);
    await publish(queue, events[2]);
    await eventually(async () => (await broker.messageCount(queue)) === 0 && (await waitingCount(events[0].streamId)) === 1, 10_000);
    await publish(queue, events[1]);
    await eventually(async () => (await versions(events[0].streamId)).length === 3, 10_000);
    await publish(queue, events[2]);
    await eventually(async () => (await broker.messageCount(queue)) === 0, 10_000);
    expect(await versions(events[0].streamId)).toEqual([1, 2, 3]);
    expect(attempts.get(events[2].eventId)).toEqual([1]);
  });

  it('applies the events of one append together, once the last of them is in', async () => {
    const events = stream('append', 4);
    await publish(queue, events[0]);
    await publish(queue, events[1], { index: 1, count: 3 });
    await publish(queue, events[2], { index: 2, count: 3 });
    await eventually(async () => (await waitingCount(events[0].streamId)) === 2, 10_000);
    expect(await versions(events[0].streamId)).toEqual([1]);

    await publish(queue, events[3], { index: 3, count: 3 });
    await eventually(async () => (await versions(events[0].streamId)).length === 4, 10_000);
    const applied = await effects(events[0].streamId);
    expect(new Set(applied.slice(1).map((row) => row.transaction)).size).toBe(1);
    expect(applied[0].transaction).not.toBe(applied[1].transaction);
  });

  it('counts an attempt only for a real failure of a waiting event, and applies the ones after it in order', async () => {
    const events = stream('fail', 5, (version) => (version === 3 ? { fail: 'transient', failAttempts: 1 } : {}));
    await publish(queue, events[0]);
    for (const event of events.slice(2)) await publish(queue, event);
    await eventually(async () => (await waitingCount(events[0].streamId)) === 3, 10_000);
    await publish(queue, events[1]);
    await eventually(async () => (await versions(events[0].streamId)).includes(5), 15_000);
    // v3 failed in v2's drain (rolled back), again alone (its attempt 1 spent), and passed back from its tier.
    expect((await effects(events[0].streamId)).map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.get(events[2].eventId)).toEqual([1, 1, 2]);
    expect([events[3], events[4]].map((event) => attempts.get(event.eventId))).toEqual([[1], [1]]);
  });

  it('applies by itself a run whose gap closed while no drain followed (the process stopped between the two)', async () => {
    const events = stream('stranded', 3);
    await publish(queue, events[0]);
    await publish(queue, events[2]);
    await eventually(async () => (await waitingCount(events[0].streamId)) === 1, 10_000);
    // What a process that applied v2 and stopped before draining leaves behind.
    await dataSource.query(`UPDATE "${schema}".stream_checkpoints SET version = 2 WHERE queue = $1 AND stream_id = $2`, [
      queue,
      events[0].streamId,
    ]);
    await eventually(async () => (await versions(events[0].streamId)).includes(3), 20_000);
    expect(await versions(events[0].streamId)).toEqual([1, 3]);
    expect(await waitingCount(events[0].streamId)).toBe(0);
  });

  it('keeps the events waiting behind a blocker that parks their stream, reports no gap for it, and applies them once it is skipped', async () => {
    const events = stream('parked', 5, (version) => (version === 2 ? { fail: 'domain' } : {}));
    const [, blocker, , , later] = events;
    await publish(gapQueue, events[0]);
    await publish(gapQueue, events[2]);
    await publish(gapQueue, events[3]);
    await eventually(async () => (await waitingCount(events[0].streamId)) === 2, 10_000);
    await publish(gapQueue, blocker);
    await publish(gapQueue, later);
    const dead: Awaited<ReturnType<TestBroker['drain']>> = [];
    await eventually(async () => (dead.push(...(await broker.drain(deadLetterQueueOf(gapQueue)))), dead.length >= 2), 15_000);
    expect(dead.map((m) => [m.properties.messageId, m.properties.headers!['x-error-code']])).toEqual([
      [blocker.eventId, 'LIMIT_TOO_LOW'],
      [later.eventId, 'PARKED'],
    ]);
    // Past the gap timeout, a sweep reports nothing: the park is the report.
    await eventually(
      async () =>
        Number(
          (
            await dataSource.query(
              `SELECT count(*) AS n FROM "${schema}".waiting_events WHERE stream_id = $1 AND received_at < now() - interval '2 seconds'`,
              [events[0].streamId],
            )
          )[0].n,
        ) === 2,
      10_000,
    );
    await consumers[1].sweepGaps();
    expect(await broker.drain(deadLetterQueueOf(gapQueue))).toEqual([]);

    // What an operator's skip publishes: the blocker counted as applied, then the parked one.
    await broker.publish(gapQueue, blocker, { headers: { 'x-skip': true, 'x-replay-number': 1, 'x-previous-stream-version': 1 } });
    await publish(gapQueue, later);
    await eventually(async () => (await versions(events[0].streamId)).length === 4, 10_000);
    expect(await versions(events[0].streamId)).toEqual([1, 3, 4, 5]);
    expect(await dataSource.query(`SELECT * FROM "${schema}".parked_streams WHERE stream_id = $1`, [events[0].streamId])).toEqual([]);
  });

  it('reports a gap not filled in time as GAP_TIMEOUT with the missing version; delivering the stream again fills it', async () => {
    const events = stream('gap', 4);
    await publish(gapQueue, events[0]);
    await publish(gapQueue, events[2]);
    await publish(gapQueue, events[3]);
    const taken: Awaited<ReturnType<TestBroker['drain']>> = [];
    await eventually(async () => (taken.push(...(await broker.drain(deadLetterQueueOf(gapQueue)))), taken.length >= 1), 15_000);
    expect(taken).toHaveLength(1);
    expect(taken[0].properties.messageId).toBe(events[2].eventId);
    expect(taken[0].properties.headers).toMatchObject({
      'x-error-code': 'GAP_TIMEOUT',
      'x-missing-stream-version': 2,
      'x-attempts': 0,
      'x-original-queue': gapQueue,
    });
    expect(await versions(events[0].streamId)).toEqual([1]);

    // What the producer's per-stream rewind publishes: the stream again from the missing version.
    for (const event of events.slice(1)) await publish(gapQueue, event);
    await eventually(async () => (await versions(events[0].streamId)).length === 4, 10_000);
    expect(await versions(events[0].streamId)).toEqual([1, 2, 3, 4]);
    expect(await waitingCount(events[0].streamId)).toBe(0);
    // Reported once, not on every sweep.
    expect(await broker.drain(deadLetterQueueOf(gapQueue))).toEqual([]);
  });
});
