import { eventually, testAmqpUrl, testDatabaseUrl } from '@app/testing';
import { RelayProcess } from './test/relay-process';
import { Arrival, RelayScene, appendEvents, recordArrivals, relayScene } from './test/relay-test-kit';

const published = (relay: RelayProcess): number => {
  const lines = relay.output.match(/relay-runner: published (\d+)/g) ?? [];
  return lines.length ? Number(lines[lines.length - 1].split(' ').pop()) : 0;
};

describe('Two relays for one producer', () => {
  let scene: RelayScene;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };
  const relays: RelayProcess[] = [];

  const startRelay = (name: string) => {
    const relay = RelayProcess.start({
      name,
      databaseUrl: testDatabaseUrl(),
      amqpUrl: testAmqpUrl(),
      schema: scene.schema,
      producer: 'account',
      routes: [{ queue: scene.queue, eventTypes: null }],
    });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    scene = await relayScene(4);
    recorder = await recordArrivals(scene.queue);
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.kill('SIGKILL')));
    await recorder?.stop();
    await scene?.cleanUp();
  });

  it('lets only one publish, and the standby takes over within 5 s of the active one dying', async () => {
    const first = startRelay('leadership-spec-a');
    await first.waitFor('leader');
    const second = startRelay('leadership-spec-b');
    await second.waitFor('ready');

    for (let i = 0; i < 20; i++) await appendEvents(scene.pool, scene.schema, `account-a-${scene.schema}`, i * 10, 10);
    await eventually(() => recorder.arrivals.length >= 200, 20_000);
    await eventually(() => published(first) === 200, 5_000);
    expect(second.output).not.toContain('relay-runner: leader');
    expect(published(second)).toBe(0);

    await first.kill('SIGKILL');
    for (let i = 0; i < 20; i++) await appendEvents(scene.pool, scene.schema, `account-b-${scene.schema}`, i * 10, 10);
    await second.waitFor('leader', 10_000);

    await eventually(() => new Set(recorder.arrivals.map((a) => a.eventId)).size >= 400, 20_000);
    await eventually(() => published(second) >= 200, 5_000);
    const order = recorder.arrivals.filter((a) => a.streamId === `account-b-${scene.schema}`).map((a) => a.version);
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
