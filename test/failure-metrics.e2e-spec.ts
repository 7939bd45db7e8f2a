import { AmqpConnection, PermanentMessageError, QueueConsumer } from '@app/messaging';
import { TestPlatform, eventually, freshEventStore } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { DeadLetter, OpsApi, QueueWriter, eventMessage, startPlatform } from './support/ops-e2e-support';

// A consumer queue of the contract, so the real Ops process drains its DLQ; the consumer runs in this process.
const QUEUE = 'fraud.account-events';

/** The value of one series in a Prometheus exposition, undefined when absent. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const [, series, value] of exposition.matchAll(/^([a-zA-Z_:][\w:]*\{[^}]*\}|[a-zA-Z_:][\w:]*) (\S+)$/gm)) {
    const [metric, labelText = ''] = series.replace('}', '').split('{');
    if (metric !== name) continue;
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, text]) => [key, text]));
    if (Object.entries(labels).every(([key, text]) => found[key] === text)) return Number(value);
  }
  return undefined;
}

/** What one consumer counts of its failures, and what Ops counts of the dead letters it drains. */
describe('Failure metrics', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let connection: AmqpConnection;
  let consumer: QueueConsumer;
  let store: { schema: string; dataSource: DataSource };
  const failedOnce = new Set<string>();

  beforeAll(async () => {
    platform = await startPlatform(['ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    connection = new AmqpConnection({ url: platform.amqpUrl, name: 'failure-metrics-consumer' });
    await connection.start();
    store = await freshEventStore('fmetrics');
    consumer = new QueueConsumer({
      queue: QUEUE,
      connection,
      dataSource: store.dataSource,
      schema: store.schema,
      dispatch: async (envelope) => {
        if (envelope.data.poison === true) throw new PermanentMessageError('POISONED', `${envelope.streamId} cannot be applied`);
        // A transient failure the first time: one retry, then applied.
        if (envelope.data.flaky === true && !failedOnce.has(envelope.eventId)) {
          failedOnce.add(envelope.eventId);
          throw new Error('flaky handler');
        }
        return 'handled';
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    if (store) {
      await store.dataSource.query(`DROP SCHEMA "${store.schema}" CASCADE`).catch(() => undefined);
      await store.dataSource.destroy();
    }
    await connection?.close();
    await writer?.stop();
    await platform?.stop();
  });

  const consumerValue = async (name: string, labels: Record<string, string>) =>
    sample(await register.getSingleMetricAsString(name), name, labels);
  const opsValue = async (name: string, labels: Record<string, string>) =>
    sample(await (await fetch(`${platform.url('ops')}/metrics`)).text(), name, labels);

  it('counts retries and dead letters by queue, tier and code, and Ops stored, parked, archived and replayed ones', async () => {
    const poisoned = randomUUID();
    const flaky = randomUUID();
    await writer.publish(QUEUE, [
      eventMessage({
        type: 'LimitUpdated',
        streamId: `account-${flaky}`,
        streamVersion: 1,
        data: { id: flaky, newLimit: 1, oldLimit: 0, flaky: true },
      }),
      ...[1, 2, 3].map((version) =>
        eventMessage({
          type: 'LimitUpdated',
          streamId: `account-${poisoned}`,
          streamVersion: version,
          data: { id: poisoned, newLimit: version, oldLimit: 0, poison: version === 1 },
        }),
      ),
    ]);

    // The consumer: the poison dead-lettered as POISONED, its followers as PARKED, the flaky one retried once.
    await eventually(async () => (await consumerValue('consumer_dead_letters_total', { queue: QUEUE, code: 'PARKED' })) === 2, 30_000);
    expect(await consumerValue('consumer_dead_letters_total', { queue: QUEUE, code: 'POISONED' })).toBe(1);
    await eventually(async () => (await consumerValue('consumer_retries_total', { queue: QUEUE })) === 1, 30_000);
    const [retry] = (await register.getSingleMetric('consumer_retries_total')!.get()).values;
    expect(retry.labels).toEqual({ queue: QUEUE, tier: expect.stringMatching(/.+/) });

    // Ops: the three stored as dead, one stream parked.
    await eventually(async () => (await opsValue('ops_dead_letters', { queue: QUEUE, code: 'PARKED', status: 'dead' })) === 2, 30_000);
    expect(await opsValue('ops_dead_letters', { queue: QUEUE, code: 'POISONED', status: 'dead' })).toBe(1);
    expect(await opsValue('ops_parked_streams', { queue: QUEUE })).toBe(1);

    // An operator archives the poison and replays one parked follower.
    const page = await ops.get<{ items: (DeadLetter & { errorCode: string })[] }>(`/dead-letters?queue=${QUEUE}&limit=100`);
    const blocker = page.items.find((item) => item.errorCode === 'POISONED')!;
    const follower = page.items.find((item) => item.errorCode === 'PARKED')!;
    expect((await ops.post(`/dead-letters/${blocker.id}/archive`)).status).toBeLessThan(300);
    expect((await ops.post(`/dead-letters/${follower.id}/replay`)).status).toBeLessThan(300);
    expect(await opsValue('ops_dead_letters_archived_total', { queue: QUEUE })).toBe(1);
    expect(await opsValue('ops_dead_letters_replayed_total', { queue: QUEUE })).toBe(1);
    expect(await opsValue('ops_dead_letters', { queue: QUEUE, code: 'POISONED', status: 'archived' })).toBe(1);
  });
});
