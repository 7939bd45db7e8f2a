import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { TestBroker, accountEvent } from '../test/messaging-test-kit';
import { appliedLatencyByQueue } from './applied-latency';
import { QueueConsumer } from './queue-consumer';

describe('Commit-to-applied latency of a consumer', () => {
  const queue = `t${uniqueSuffix()}.account-events`;
  let schema: string;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let broker: TestBroker;
  let consumer: QueueConsumer;

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'applied-latency-spec' });
    await connection.start();
    broker = await TestBroker.open();
    consumer = new QueueConsumer({ queue, connection, dataSource, schema, dispatch: async () => 'handled' });
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

  it('measures from recorded_at to the inbox commit, per queue, as a histogram and as recent p50 and p99', async () => {
    // Recorded 2 s ago at the producer: that is how long these events took end to end, at least.
    const recordedAt = new Date(Date.now() - 2_000).toISOString();
    for (let version = 1; version <= 20; version++) {
      await broker.publish(queue, { ...accountEvent(`account-${uniqueSuffix()}`, 1), occurredAt: recordedAt });
    }
    const mine = await eventually(
      async () => (await appliedLatencyByQueue()).find((entry) => entry.queue === queue && entry.samples >= 20),
      15_000,
    );
    expect(mine.p50Seconds).toBeGreaterThanOrEqual(2);
    expect(mine.p50Seconds).toBeLessThan(30);
    expect(mine.p99Seconds).toBeGreaterThanOrEqual(mine.p50Seconds!);
    const text = await register.metrics();
    expect(text).toMatch(new RegExp(`consumer_commit_to_applied_seconds_count\\{queue="${queue}"\\} 20`));
    expect(text).toMatch(new RegExp(`consumer_commit_to_applied_seconds_bucket\\{le="1",queue="${queue}"\\} 0`));
  });
});
