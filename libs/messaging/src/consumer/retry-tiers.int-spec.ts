import { Headers, parseRetryTiers } from '@app/contracts';
import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { TestBroker, accountEvent } from '../test/messaging-test-kit';
import { QueueConsumer } from './queue-consumer';

/** Each delivery an event had: its attempt and when. */
type Seen = { attempt: number; at: number }[];

/**
 * How long an event waited between its last try of attempt 1 and its first of attempt 2 (a batch
 * that fails is tried again event by event, so attempt 1 can be seen twice).
 */
const retryGap = (deliveries: Seen = []): number | undefined => {
  const failed = deliveries.filter((d) => d.attempt === 1).at(-1);
  const retried = deliveries.find((d) => d.attempt === 2);
  return failed && retried ? retried.at - failed.at : undefined;
};

// This spec's installation has the production tiers, whatever the test installation's: the long
// one must outlast the spec while the short one comes back. Each spec file has its own process.env.
const PRODUCTION_TIERS = '250ms,1s,5s,30s';
process.env.RETRY_TIERS = PRODUCTION_TIERS;
const [shortestTier] = parseRetryTiers(PRODUCTION_TIERS);

describe('Retry tiers against RabbitMQ', () => {
  const queue = `t${uniqueSuffix()}.account-events`;
  let schema: string;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let broker: TestBroker;
  let consumer: QueueConsumer;
  const seen = new Map<string, Seen>();

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'retry-tiers-spec' });
    await connection.start();
    broker = await TestBroker.open();
    consumer = new QueueConsumer({
      queue,
      connection,
      dataSource,
      schema,
      maxAttempts: 20,
      dispatch: async (envelope, delivery) => {
        const deliveries = seen.get(envelope.eventId) ?? [];
        deliveries.push({ attempt: delivery.attempt, at: Date.now() });
        seen.set(envelope.eventId, deliveries);
        if (delivery.attempt <= Number(envelope.data.failUntilAttempt ?? 0))
          throw Object.assign(new Error('handler briefly failing'), { code: 'HANDLER_FLAKY' });
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

  it('brings a short retry back on time while a long one waits ahead of it', async () => {
    // A message that failed many times already: its next failure waits in the longest tier.
    const long = accountEvent(`account-long-${uniqueSuffix()}`, 1, { failUntilAttempt: 99 });
    await broker.publish(queue, long, { headers: { [Headers.attempts]: 8 } });
    await eventually(() => seen.get(long.eventId)?.length === 1, 10_000);
    // Then one failing for the first time, so the shortest tier: it is behind the long one.
    const short = accountEvent(`account-short-${uniqueSuffix()}`, 1, { failUntilAttempt: 1 });
    await broker.publish(queue, short);

    const gap = await eventually(() => retryGap(seen.get(short.eventId)), 15_000);
    const shortest = shortestTier.delayMs;
    // At least its tier's delay; and back while the long one, ahead of it, is still waiting out its own.
    expect(gap).toBeGreaterThanOrEqual(shortest);
    expect(seen.get(long.eventId)!.map((d) => d.attempt)).toEqual([9]);
  });

  it('spreads the retries of messages that failed together (jitter)', async () => {
    const burst = Array.from({ length: 12 }, (_, i) => accountEvent(`account-burst-${i}-${uniqueSuffix()}`, 1, { failUntilAttempt: 1 }));
    for (const event of burst) await broker.publish(queue, event);
    const gaps = await eventually(() => {
      const done = burst.map((event) => retryGap(seen.get(event.eventId))).filter((gap) => gap !== undefined);
      return done.length === burst.length ? done : undefined;
    }, 15_000);
    const tier = shortestTier.delayMs;
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(tier);
    // Holds drawn from [0, tier/2]: twelve of them spread over more than a quarter of the tier (all but certain: 1 - 0.003).
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(tier / 4);
  });
});
