import { SilentProxy, eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { RelayProcess } from './test/relay-process';
import { Arrival, RelayScene, appendEvents, recordArrivals, relayScene, sleep } from './test/relay-test-kit';

const published = (relay: RelayProcess): number => {
  const lines = relay.output.match(/relay-runner: published (\d+)/g) ?? [];
  return lines.length ? Number(lines[lines.length - 1].split(' ').pop()) : 0;
};

describe('A relay leader cut off from PostgreSQL without a FIN or RST', () => {
  let scene: RelayScene;
  let proxy: SilentProxy;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };
  const relays: RelayProcess[] = [];

  const startRelay = (name: string, databaseUrl: string) => {
    const relay = RelayProcess.start({
      name,
      databaseUrl,
      amqpUrl: testAmqpUrl(),
      schema: scene.schema,
      producer: 'account',
      routes: [{ queue: scene.queue, eventTypes: null }],
    });
    relays.push(relay);
    return relay;
  };
  const arrivedOf = (stream: string) => recorder.arrivals.filter((a) => a.streamId === stream);

  beforeAll(async () => {
    scene = await relayScene(4);
    recorder = await recordArrivals(scene.queue);
    const server = new URL(testDatabaseUrl());
    proxy = await SilentProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.kill('SIGKILL')));
    await proxy?.close();
    await recorder?.stop();
    await scene?.cleanUp();
  });

  it('is replaced by a standby that delivers within 15 s, and delivers nothing twice when it comes back', async () => {
    const cutOff = startRelay('partition-spec-old', proxy.urlFor(testDatabaseUrl()));
    await cutOff.waitFor('leader');
    const standby = startRelay('partition-spec-new', testDatabaseUrl());
    await standby.waitFor('ready');
    const before = `account-before-${scene.schema}`;
    await appendEvents(scene.pool, scene.schema, before, 0, 100);
    await eventually(() => arrivedOf(before).length >= 100, 20_000);
    await eventually(() => published(cutOff) === 100, 5_000);

    proxy.partition();
    const partitionedAt = Date.now();
    const during = `account-during-${scene.schema}`;
    await appendEvents(scene.pool, scene.schema, during, 0, 100);
    await eventually(() => arrivedOf(during).length >= 100, 30_000, 100);
    const takeoverMs = Date.now() - partitionedAt;
    process.stdout.write(`partitioned leader replaced; its events delivered ${takeoverMs} ms after the partition\n`);
    expect(standby.output).toContain('relay-runner: leader');
    // The cut-off leader stepped down on its own, before the server let the standby in.
    expect(cutOff.output).toContain('relay-runner: standby');

    proxy.heal();
    await sleep(5_000);
    const after = `account-after-${scene.schema}`;
    await appendEvents(scene.pool, scene.schema, after, 0, 100);
    await eventually(() => arrivedOf(after).length >= 100, 20_000);
    await sleep(1_000);

    // Nothing was in flight at the partition, so the cursors allow no re-publish at all.
    expect(published(cutOff)).toBe(100);
    expect(cutOff.isRunning).toBe(true);
    const ids = recorder.arrivals.map((a) => a.eventId);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toHaveLength(300);
    for (const stream of [before, during, after]) {
      expect(arrivedOf(stream).map((a) => a.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
  });
});
