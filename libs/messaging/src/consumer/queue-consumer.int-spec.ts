import { configuredRetryPolicy, deadLetterQueueOf } from '@app/contracts';
import { DomainError } from '@app/domain';
import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { TestBroker, accountEvent } from '../test/messaging-test-kit';
import { QueueConsumer } from './queue-consumer';

type Behaviour = { fail?: 'transient' | 'once' | 'domain' | 'always' | 'outage'; failAttempts?: number; slowMs?: number };

describe('QueueConsumer against RabbitMQ and PostgreSQL', () => {
  const queue = `t${uniqueSuffix()}.account-events`;
  const dlq = deadLetterQueueOf(queue);
  let schema: string;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let broker: TestBroker;
  let consumer: QueueConsumer;
  const attempts = new Map<string, { attempt: number; at: number }[]>();

  const effects = async (streamId: string): Promise<number[]> =>
    (await dataSource.query(`SELECT version FROM "${schema}".effects WHERE stream_id = $1 ORDER BY seq`, [streamId])).map(
      (row: { version: number }) => row.version,
    );
  const deadLetters = async (count: number) => {
    const taken: Awaited<ReturnType<TestBroker['drain']>> = [];
    await eventually(async () => (taken.push(...(await broker.drain(dlq))), taken.length >= count), 15_000);
    return taken;
  };

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    await dataSource.query(`CREATE TABLE "${schema}".effects (
      seq serial, event_id uuid, stream_id text, version int, transaction_id xid8 DEFAULT pg_current_xact_id())`);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'queue-consumer-spec' });
    await connection.start();
    broker = await TestBroker.open();
    consumer = new QueueConsumer({
      queue,
      connection,
      dataSource,
      schema,
      maxAttempts: 4,
      dispatch: async (envelope, delivery) => {
        const behaviour = envelope.data as Behaviour;
        const seen = attempts.get(envelope.eventId) ?? [];
        seen.push({ attempt: delivery.attempt, at: Date.now() });
        attempts.set(envelope.eventId, seen);
        await delivery.manager.query(`INSERT INTO "${schema}".effects (event_id, stream_id, version) VALUES ($1, $2, $3)`, [
          envelope.eventId,
          envelope.streamId,
          envelope.streamVersion,
        ]);
        if (behaviour.slowMs) await new Promise((r) => setTimeout(r, behaviour.slowMs));
        if (behaviour.fail === 'domain') throw new DomainError('rule', 'LIMIT_TOO_LOW', 'the limit is below the balance');
        // 'transient' fails its first attempts; 'once' only the first call of its handler, whatever the attempt.
        const failsNow =
          behaviour.fail === 'always' ||
          (behaviour.fail === 'transient' && delivery.attempt <= (behaviour.failAttempts ?? 0)) ||
          (behaviour.fail === 'once' && seen.length === 1);
        if (failsNow) {
          throw Object.assign(new Error('handler briefly failing'), { code: 'HANDLER_FLAKY' });
        }
        if (behaviour.fail === 'outage' && seen.length <= (behaviour.failAttempts ?? 0)) {
          throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        }
        return 'handled';
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await broker?.deleteQueues([queue]);
    await broker?.close();
    await connection?.close();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('retries a transient failure with growing delays, then applies it once', async () => {
    const event = accountEvent(`account-t-${uniqueSuffix()}`, 1, { fail: 'transient', failAttempts: 2 });
    await broker.publish(queue, event);
    await eventually(async () => (await effects(event.streamId)).length === 1, 10_000);
    const seen = attempts.get(event.eventId)!;
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // Each retry waits its tier's delay (the installation's first, then its second), plus a jitter.
    const [first, second] = configuredRetryPolicy().tiers;
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(first.delayMs);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(second.delayMs);
  });

  it('holds a message through a database outage without using its attempts, then applies it once', async () => {
    const event = accountEvent(`account-o-${uniqueSuffix()}`, 1, { fail: 'outage', failAttempts: 6 });
    await broker.publish(queue, event);
    await eventually(async () => (await effects(event.streamId)).length === 1, 30_000);
    // Seven tries, all the first attempt: none went through the retry queue or counted towards the DLQ.
    expect(attempts.get(event.eventId)!.map((s) => s.attempt)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(await broker.drain(dlq)).toEqual([]);
  });

  it('sends a broken domain rule to the DLQ at once, with the failure headers and the original message id', async () => {
    const event = accountEvent(`account-d-${uniqueSuffix()}`, 1, { fail: 'domain' });
    await broker.publish(queue, event);
    const [dead] = await deadLetters(1);
    expect(dead.properties.messageId).toBe(event.eventId);
    expect(dead.properties.headers).toMatchObject({
      'x-original-queue': queue,
      'x-attempts': 1,
      'x-error-code': 'LIMIT_TOO_LOW',
      'x-error-message': 'the limit is below the balance',
      'x-first-failed-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'x-last-failed-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.parse(dead.content.toString())).toEqual(event);
    expect(await effects(event.streamId)).toEqual([]);
    expect(attempts.get(event.eventId)).toHaveLength(1);
  });

  it('dead-letters a message that keeps failing after its attempts, keeping when it first failed', async () => {
    const event = accountEvent(`account-x-${uniqueSuffix()}`, 1, { fail: 'always' });
    await broker.publish(queue, event);
    const [dead] = await deadLetters(1);
    const headers = dead.properties.headers!;
    expect(headers).toMatchObject({ 'x-attempts': 4, 'x-error-code': 'HANDLER_FLAKY', 'x-original-queue': queue });
    expect(Date.parse(headers['x-last-failed-at'])).toBeGreaterThan(Date.parse(headers['x-first-failed-at']));
    expect(attempts.get(event.eventId)!.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    expect(await effects(event.streamId)).toEqual([]);
  });

  it('applies a message delivered twice only once', async () => {
    const event = accountEvent(`account-dup-${uniqueSuffix()}`, 1);
    await broker.publish(queue, event);
    await broker.publish(queue, event);
    await eventually(() => attempts.get(event.eventId)?.length === 1, 5_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await effects(event.streamId)).toEqual([1]);
    expect(await broker.messageCount(queue)).toBe(0);
  });

  it('dead-letters malformed, invalid and unknown messages, and carries on with the next one', async () => {
    const malformedId = await broker.publish(queue, '{"eventId": "abc", ');
    const invalid = { ...accountEvent('account-invalid', 1), streamVersion: 'one' };
    await broker.publish(queue, invalid);
    const unknown = accountEvent(`account-u-${uniqueSuffix()}`, 1, {}, 'CheckoutCompleted');
    await broker.publish(queue, unknown);
    const good = accountEvent(`account-ok-${uniqueSuffix()}`, 1);
    await broker.publish(queue, good);

    const dead = await deadLetters(3);
    expect(dead.map((m) => [m.properties.messageId, m.properties.headers!['x-error-code']])).toEqual([
      [malformedId, 'MALFORMED_JSON'],
      [invalid.eventId, 'SCHEMA_VIOLATION'],
      [unknown.eventId, 'UNKNOWN_TYPE'],
    ]);
    await eventually(async () => (await effects(good.streamId)).length === 1, 5_000);
  });

  it('holds back a version that arrives before its predecessor and applies both in order', async () => {
    const streamId = `account-o-${uniqueSuffix()}`;
    const second = accountEvent(streamId, 2);
    const first = accountEvent(streamId, 1);
    await broker.publish(queue, second, { headers: { 'x-previous-stream-version': 1 } });
    await new Promise((r) => setTimeout(r, 100));
    await broker.publish(queue, first, { headers: { 'x-previous-stream-version': 0 } });
    await eventually(async () => (await effects(streamId)).length === 2, 10_000);
    expect(await effects(streamId)).toEqual([1, 2]);
  });

  it('lets a later version wait, as out of order, for an earlier one that is only being retried: nothing is parked', async () => {
    const streamId = `account-r-${uniqueSuffix()}`;
    await broker.publish(queue, accountEvent(streamId, 1));
    await broker.publish(queue, accountEvent(streamId, 2, { fail: 'transient', failAttempts: 2 }));
    await broker.publish(queue, accountEvent(streamId, 3));
    await eventually(async () => (await effects(streamId)).length === 3, 15_000);
    expect(await effects(streamId)).toEqual([1, 2, 3]);
    expect(await broker.drain(dlq)).toEqual([]);
    expect(await dataSource.query(`SELECT * FROM "${schema}".parked_streams WHERE stream_id = $1`, [streamId])).toEqual([]);
  });

  it('parks the later versions behind one that fails for good, at no attempt; a skip of the blocker releases them in order', async () => {
    const streamId = `account-p-${uniqueSuffix()}`;
    const blocker = accountEvent(streamId, 2, { fail: 'domain' });
    const followers = [accountEvent(streamId, 3), accountEvent(streamId, 4)];
    const other = accountEvent(`account-q-${uniqueSuffix()}`, 1);
    for (const event of [accountEvent(streamId, 1), blocker, ...followers, other]) await broker.publish(queue, event);

    const dead = await deadLetters(3);
    expect(dead.map((m) => [m.properties.messageId, m.properties.headers!['x-error-code']])).toEqual([
      [blocker.eventId, 'LIMIT_TOO_LOW'],
      [followers[0].eventId, 'PARKED'],
      [followers[1].eventId, 'PARKED'],
    ]);
    expect(dead[1].properties.headers).toMatchObject({ 'x-parked-behind': blocker.eventId, 'x-attempts': 0 });
    expect(followers.map((f) => attempts.get(f.eventId))).toEqual([undefined, undefined]);
    await eventually(async () => (await effects(other.streamId)).length === 1, 5_000);

    // What an operator's skip publishes: the blocker marked to be counted as applied, then the parked ones in order.
    await broker.publish(queue, blocker, { headers: { 'x-skip': true, 'x-replay-number': 1 } });
    for (const follower of followers) await broker.publish(queue, follower, { headers: { 'x-replay-number': 1 } });
    await eventually(async () => (await effects(streamId)).length === 3, 10_000);
    expect(await effects(streamId)).toEqual([1, 3, 4]);
    expect(await dataSource.query(`SELECT * FROM "${schema}".parked_streams WHERE stream_id = $1`, [streamId])).toEqual([]);
    expect(await broker.drain(dlq)).toEqual([]);
  });

  it('applies a burst of many streams in shared transactions, a failure among them costing only its own event', async () => {
    const run = uniqueSuffix();
    const events = Array.from({ length: 300 }, (_, i) => accountEvent(`account-b${run}-${i}`, 1, i === 150 ? { fail: 'domain' } : {}));
    await Promise.all(events.map((event) => broker.publish(queue, event)));
    const [dead] = await deadLetters(1);
    expect(dead.properties.messageId).toBe(events[150].eventId);
    const applied = await eventually(async () => {
      const rows: { stream_id: string; transactions: number }[] = await dataSource.query(
        `SELECT stream_id, count(DISTINCT transaction_id)::int AS transactions FROM "${schema}".effects
          WHERE stream_id LIKE $1 GROUP BY stream_id`,
        [`account-b${run}-%`],
      );
      return rows.length === 299 ? rows : undefined;
    }, 15_000);
    expect(applied.every((row) => row.transactions === 1)).toBe(true);
    const [{ transactions }] = await dataSource.query(
      `SELECT count(DISTINCT transaction_id)::int AS transactions FROM "${schema}".effects WHERE stream_id LIKE $1`,
      [`account-b${run}-%`],
    );
    expect(transactions).toBeLessThan(100);
    expect(await effects(events[150].streamId)).toEqual([]);
  });

  it('applies a burst of one stream in version order, several of its events per transaction', async () => {
    const streamId = `account-h-${uniqueSuffix()}`;
    const events = Array.from({ length: 200 }, (_, i) => accountEvent(streamId, i + 1));
    await Promise.all(events.map((event) => broker.publish(queue, event)));
    await eventually(async () => (await effects(streamId)).length === 200, 20_000);
    expect(await effects(streamId)).toEqual(events.map((event) => event.streamVersion));
    const [{ transactions }] = await dataSource.query(
      `SELECT count(DISTINCT transaction_id)::int AS transactions FROM "${schema}".effects WHERE stream_id = $1`,
      [streamId],
    );
    expect(transactions).toBeLessThan(100);
  });

  it('keeps a burst of one stream in order when one of its events fails for a while in the middle of a batch', async () => {
    const streamId = `account-hf-${uniqueSuffix()}`;
    const events = Array.from({ length: 60 }, (_, i) =>
      accountEvent(streamId, i + 1, i === 30 ? { fail: 'transient', failAttempts: 1 } : {}),
    );
    await Promise.all(events.map((event) => broker.publish(queue, event)));
    await eventually(async () => (await effects(streamId)).length === 60, 20_000);
    expect(await effects(streamId)).toEqual(events.map((event) => event.streamVersion));
    expect(await broker.drain(dlq)).toEqual([]);
  });

  it('charges a failure in a batch to its event alone, which is retried through its tier though it would pass at once', async () => {
    const run = uniqueSuffix();
    // The slow one holds the loop while the others arrive, so that they share a batch.
    const slow = accountEvent(`account-bs-${run}`, 1, { slowMs: 300 });
    const flaky = accountEvent(`account-bf-${run}`, 1, { fail: 'once' });
    const others = [1, 2, 3].map((version) => accountEvent(`account-bo-${run}`, version));
    for (const event of [slow, flaky, ...others]) await broker.publish(queue, event);

    await eventually(async () => (await effects(flaky.streamId)).length === 1, 15_000);
    expect(attempts.get(flaky.eventId)!.map((s) => s.attempt)).toEqual([1, 2]);
    expect(await effects(others[0].streamId)).toEqual([1, 2, 3]);
  });

  it('after an outage in a failed batch, applies again only the events not yet settled before it', async () => {
    const run = uniqueSuffix();
    const slow = accountEvent(`account-os-${run}`, 1, { slowMs: 300 });
    // Routed to its retry before the outage: taken again after it, it would be applied out of turn and acked twice.
    const flaky = accountEvent(`account-of-${run}`, 1, { fail: 'once' });
    const stalled = accountEvent(`account-oo-${run}`, 1, { fail: 'outage', failAttempts: 1 });
    for (const event of [slow, flaky, stalled]) await broker.publish(queue, event);

    await eventually(async () => (await effects(flaky.streamId)).length === 1 && (await effects(stalled.streamId)).length === 1, 15_000);
    expect(attempts.get(flaky.eventId)!.map((s) => s.attempt)).toEqual([1, 2]);
    expect(attempts.get(stalled.eventId)!.map((s) => s.attempt)).toEqual([1, 1]);
  });

  it('consumes again by itself after the broker cancelled it (its queue was deleted)', async () => {
    await broker.deleteQueues([queue]);
    // The consumer re-declares the queue on a new channel; publishing before that would be unroutable.
    await eventually(async () => (await broker.messageCount(queue).catch(() => -1)) === 0, 10_000);
    const event = accountEvent(`account-r-${uniqueSuffix()}`, 1);
    await broker.publish(queue, event);
    await eventually(async () => (await effects(event.streamId)).length === 1, 10_000);
  });

  it('on stop, finishes the handler in flight and acknowledges it before closing', async () => {
    const event = accountEvent(`account-s-${uniqueSuffix()}`, 1, { slowMs: 1_000 });
    await broker.publish(queue, event);
    await eventually(() => attempts.has(event.eventId), 5_000);
    await consumer.stop();
    expect(await effects(event.streamId)).toEqual([1]);
    expect(await broker.messageCount(queue)).toBe(0);

    const afterStop = accountEvent(`account-s2-${uniqueSuffix()}`, 1);
    await broker.publish(queue, afterStop);
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts.has(afterStop.eventId)).toBe(false);
    await consumer.start();
    await eventually(async () => (await effects(afterStop.streamId)).length === 1, 5_000);
    expect(attempts.get(event.eventId)).toHaveLength(1);
  });
});
