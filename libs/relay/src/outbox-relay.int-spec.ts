import { EventStore } from '@app/eventstore';
import { AmqpConnection, QueueConsumer } from '@app/messaging';
import { eventually, freshEventStore, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { OutboxRelay } from './outbox-relay';

describe('OutboxRelay delivering into a consumer queue', () => {
  let dataSource: DataSource;
  let schema: string;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let consumer: QueueConsumer;
  const queue = `t${uniqueSuffix()}.account-events`;
  const applied: { streamId: string; version: number }[] = [];

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore());
    await dataSource.query(`CREATE TABLE "${schema}".applied (event_id uuid PRIMARY KEY, stream_id text, version int)`);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'relay-int-spec' });
    await connection.start();
    relay = new OutboxRelay({ databaseUrl: testDatabaseUrl(), schema, producer: 'account', connection, routes: [{ queue, eventTypes: null }] });
    await relay.start();
    consumer = new QueueConsumer({
      queue, connection, dataSource, schema,
      dispatch: async (envelope, delivery) => {
        await delivery.manager.query(`INSERT INTO "${schema}".applied VALUES ($1, $2, $3)`, [envelope.eventId, envelope.streamId, envelope.streamVersion]);
        applied.push({ streamId: envelope.streamId, version: envelope.streamVersion });
        return 'handled';
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await relay.stop();
    await connection.close();
    await dataSource.destroy();
  });

  it('delivers every appended event once, in version order per stream', async () => {
    const store = new EventStore(schema);
    const streams = Array.from({ length: 10 }, (_, i) => `account-${i}-${uniqueSuffix()}`);
    for (let version = 0; version < 10; version++) {
      await Promise.all(streams.map((streamId) =>
        dataSource.transaction((m) => store.append(m, streamId, version, [{ type: 'LimitUpdated', data: { n: version } }]))));
    }
    await eventually(async () => (await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".applied`))[0].n === 100);
    for (const streamId of streams) {
      const versions = applied.filter((a) => a.streamId === streamId).map((a) => a.version);
      expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    const [subscription] = await relay.admin.list();
    expect(subscription.lagEvents).toBe(0);
  });
});
