import { AmqpConnection } from '@app/messaging';
import { eventually, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { OutboxRelay } from './outbox-relay';
import { RelayScene, appendEvents, recordArrivals, relayScene, sleep } from './test/relay-test-kit';

/** Subscriptions added and removed while the relay runs: picked up without a restart, each paced on its own. */
describe('OutboxRelay with subscriptions registered at run time', () => {
  let scene: RelayScene & { queues: string[] };
  let connection: AmqpConnection;
  let backfillConnection: AmqpConnection;
  let relay: OutboxRelay;
  const recorders: { stop(): Promise<void> }[] = [];

  const newQueue = () => {
    const queue = `t${uniqueSuffix()}.account-events`;
    scene.queues.push(queue);
    return queue;
  };
  const record = async (queue: string) => {
    const recorder = await recordArrivals(queue);
    recorders.push(recorder);
    return recorder.arrivals;
  };

  beforeAll(async () => {
    scene = await relayScene(4);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'relay-run-time-int-spec' });
    await connection.start();
    backfillConnection = new AmqpConnection({ url: testAmqpUrl(), name: 'relay-run-time-int-spec-backfill' });
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema: scene.schema,
      producer: 'account',
      connection,
      backfillConnection,
      routes: [{ queue: scene.queue, eventTypes: null }],
    });
    await relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    for (const recorder of recorders) await recorder.stop();
    await connection?.close();
    await scene?.cleanUp();
  });

  it('backfills a paced subscription at its rate while an unpaced one registered with it goes at full speed', async () => {
    for (let i = 0; i < 3; i++) await appendEvents(scene.pool, scene.schema, `account-${i}-${uniqueSuffix()}`, 0, 500);
    const paced = newQueue();
    const unpaced = newQueue();
    const pacedArrivals = await record(paced);
    const unpacedArrivals = await record(unpaced);

    // Every batch written goes through its publisher's connection: only a paced backfill's use this one.
    const backfillWrites = jest.spyOn(backfillConnection, 'current');
    await eventually(() => backfillConnection.isConnected, 10_000, 20);
    expect(backfillWrites).not.toHaveBeenCalled();
    const started = Date.now();
    await relay.admin.register({ name: paced, eventTypes: null, from: { kind: 'position', position: 0 }, backfillRatePerSecond: 250 });
    await relay.admin.register({ name: unpaced, eventTypes: null, from: { kind: 'position', position: 0 } });
    // Delivery is at least once: count events, not deliveries.
    const delivered = (arrivals: { eventId: string }[]) => new Set(arrivals.map((a) => a.eventId)).size;
    await eventually(() => delivered(unpacedArrivals) === 1_500, 30_000, 20);
    const unpacedSeconds = (Date.now() - started) / 1000;
    // The unpaced one is not held to the other's rate: all there while the paced one is still under way.
    const pacedWhenUnpacedDone = delivered(pacedArrivals);
    await eventually(() => delivered(pacedArrivals) === 1_500, 60_000, 20);
    const pacedSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`run-time subscriptions: 1,500 events paced at 250/s in ${pacedSeconds} s, unpaced in ${unpacedSeconds} s\n`);

    // 1,500 events at 250 a second, less the first burst of 63: at least 5.7 s (a floor the rate limiter sets).
    expect(pacedSeconds).toBeGreaterThanOrEqual(5.5);
    expect(pacedWhenUnpacedDone).toBeLessThan(1_500);
    // At 250/s in batches of at most 32: dozens of writes, all on the backfill's own connection.
    expect(backfillWrites.mock.calls.length).toBeGreaterThanOrEqual(1_500 / 32);
    backfillWrites.mockRestore();
  });

  it('starts a `now` subscription at the head, stops delivering to a removed one, and keeps the routing table', async () => {
    const stream = `account-${uniqueSuffix()}`;
    await appendEvents(scene.pool, scene.schema, stream, 0, 5);
    const late = newQueue();
    const arrivals = await record(late);
    await relay.admin.register({ name: late, eventTypes: null, from: { kind: 'now' } });
    await appendEvents(scene.pool, scene.schema, stream, 5, 2);
    await eventually(() => arrivals.length >= 2, 15_000, 20);
    expect(arrivals.map((a) => [a.streamId, a.version])).toEqual([
      [stream, 6],
      [stream, 7],
    ]);

    await relay.admin.remove(late);
    await appendEvents(scene.pool, scene.schema, stream, 7, 1);
    await sleep(1_500);
    expect(arrivals).toHaveLength(2);
    await expect(relay.admin.remove(scene.queue)).rejects.toMatchObject({ code: 'DEFAULT_SUBSCRIPTION' });
    await expect(relay.admin.register({ name: scene.queue, eventTypes: null, from: { kind: 'now' } })).rejects.toMatchObject({
      code: 'SUBSCRIPTION_EXISTS',
    });
  });
});
