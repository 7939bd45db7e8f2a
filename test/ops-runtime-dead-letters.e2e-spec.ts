import { eventually, TestPlatform } from '@app/testing';
import { asDeadLetter, deadLetterOf, eventMessage, OpsApi, QueueWriter, startPlatform } from './support/ops-e2e-support';
import { QueueReader } from './support/queue-reader';

const QUEUE = 'bi.account-events';

/**
 * A consumer registered at run time (`bi`, provisioned as `npm run provision -- --add-consumer`
 * does) has its dead letters drained by Ops like the routing table's: listed under its queue,
 * replayable into its main queue through `ops.replay`, and no longer drained once removed.
 */
describe('dead letters of a consumer registered at run time, with real Account and Ops processes', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    await platform.addConsumer('bi', ['account']);
  });

  afterAll(async () => {
    await writer?.stop();
    await platform?.stop();
  });

  it('lists its dead letter under its queue and replays it into its main queue; stops draining once removed', async () => {
    expect((await ops.post('/subscriptions', { name: QUEUE, from: 'now' })).status).toBeLessThan(300);
    const message = eventMessage({ type: 'LimitUpdated', streamId: 'account-bi-1', streamVersion: 2, data: { limit: 1 } });
    await writer.publish(`${QUEUE}.dlq`, [asDeadLetter(message, QUEUE, 'SCHEMA_VIOLATION', 'bi could not read it')]);

    const dead = await deadLetterOf(ops, QUEUE, message.options.messageId!);
    expect(dead).toMatchObject({ queue: QUEUE, errorCode: 'SCHEMA_VIOLATION' });
    const page = await ops.get<{ items: { messageId: string }[] }>(`/dead-letters?queue=${QUEUE}`);
    expect(page.items.map((item) => item.messageId)).toContain(message.options.messageId);

    expect((await ops.post(`/dead-letters/${dead.id}/replay`)).body).toMatchObject({ status: 'replayed', replayCount: 1 });
    // Its queue is a quorum queue with a single active consumer: read with a consumer, not basic.get.
    const reader = await new QueueReader(platform.amqpUrl, QUEUE).start();
    try {
      await eventually(() => reader.events.some((e) => e.eventId === message.options.messageId), 15_000, 200);
    } finally {
      await reader.stop();
    }

    expect((await ops.post(`/subscriptions/${QUEUE}/remove`, { confirm: QUEUE })).status).toBeLessThan(300);
    const later = eventMessage({ type: 'LimitUpdated', streamId: 'account-bi-2', streamVersion: 2, data: { limit: 2 } });
    await writer.publish(`${QUEUE}.dlq`, [asDeadLetter(later, QUEUE, 'SCHEMA_VIOLATION', 'after removal')]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await writer.depth(`${QUEUE}.dlq`)).toBe(1);
    expect(await ops.findByMessageId(QUEUE, later.options.messageId!)).toBeUndefined();
  });
});
