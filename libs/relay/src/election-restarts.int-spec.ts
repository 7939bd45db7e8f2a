import { AmqpConnection } from '@app/messaging';
import { PrivatePostgres, eventually, storeDdl, testAmqpUrl, uniqueSuffix } from '@app/testing';
import { Client, Pool } from 'pg';
import { LeaderElection } from '@app/postgres';
import { OutboxRelay } from './outbox-relay';
import { Arrival, appendEvents, deleteQueues, recordArrivals } from './test/relay-test-kit';

// How many restarts; 20 unless told (ELECTION_RESTARTS=200 for a longer hunt).
const RESTARTS = Number(process.env.ELECTION_RESTARTS ?? 20);
// Every producer's relay, and the checkout recovery worker.
const KEYS = ['relay:account', 'relay:merchant', 'relay:checkout', 'relay:fraud', 'relay:ops', 'checkout-recovery'];
const PROCESSES_PER_KEY = 2;
const LEADER_WITHIN_MS = 15_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomMs = (max: number) => Math.floor(Math.random() * max);

/**
 * PostgreSQL restarted (fast shutdown) again and again at random points of the elections: two
 * processes' worth of elections per key, each on a session of its own, and two real relays of one
 * producer, on a server of this spec's own (the shared one on 5432 is never stopped). After every
 * restart each key has a leader again, and the relays deliver an event appended after it.
 */
describe('Leader elections across PostgreSQL restarts', () => {
  const schema = 'relayed';
  const queue = `t${uniqueSuffix()}.account-events`;
  let server: PrivatePostgres;
  let writer: Pool;
  let connection: AmqpConnection;
  let recorder: { arrivals: Arrival[]; stop(): Promise<void> };
  const relays: OutboxRelay[] = [];
  const elections = new Map<string, LeaderElection[]>();
  const leadersOf = (key: string) => elections.get(key)!.filter((election) => election.isLeader);
  const overlaps: string[] = [];
  let sampler: NodeJS.Timeout | undefined;

  const startRelays = async () => {
    writer = new Pool({ connectionString: server.url(), max: 2 });
    // Its idle sessions end with every restart; the next append opens new ones.
    writer.on('error', () => undefined);
    for (const statement of storeDdl(schema)) await writer.query(statement);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'election-restarts-spec' });
    await connection.start();
    recorder = await recordArrivals(queue);
    for (let i = 0; i < PROCESSES_PER_KEY; i++) {
      const relay = new OutboxRelay({
        databaseUrl: server.url(),
        schema,
        producer: 'account',
        connection,
        routes: [{ queue, eventTypes: null }],
        maxBackoffMs: 2_000,
      });
      relays.push(relay);
      await relay.start();
    }
  };

  beforeAll(async () => {
    server = await PrivatePostgres.start();
    await startRelays();
    for (const key of KEYS) {
      const competing = Array.from({ length: PROCESSES_PER_KEY }, () => new LeaderElection({ databaseUrl: server.url(), lockKey: key }));
      competing.forEach((election) => election.start());
      elections.set(key, competing);
    }
    // Two leaders of one key at once would deliver twice: watched all along.
    sampler = setInterval(() => {
      for (const key of KEYS) if (leadersOf(key).length > 1) overlaps.push(key);
      if (relays.filter((relay) => relay.isLeader).length > 1) overlaps.push(`relay:${schema}`);
    }, 10);
  });

  afterAll(async () => {
    clearInterval(sampler);
    await Promise.all([...elections.values()].flat().map((election) => election.stop()));
    await Promise.all(relays.map((relay) => relay.stop()));
    await recorder?.stop();
    await connection?.close();
    await writer?.end();
    await deleteQueues([queue]).catch(() => undefined);
    server?.destroy();
  });

  const heldLocks = async (): Promise<number> => {
    const client = new Client({ connectionString: server.url(), connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted");
      return rows[0].n;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const everyKeyLed = async () =>
    KEYS.every((key) => leadersOf(key).length === 1) &&
    relays.filter((relay) => relay.isLeader).length === 1 &&
    (await heldLocks().catch(() => 0)) === KEYS.length + 1;
  const delivered = async (version: number) => {
    const streamId = `account-${schema}`;
    await eventually(() => appendEvents(writer, schema, streamId, version - 1, 1).then(() => true), LEADER_WITHIN_MS, 100);
    await eventually(
      () => recorder.arrivals.some((arrival) => arrival.streamId === streamId && arrival.version === version),
      LEADER_WITHIN_MS,
    );
  };

  it(`gives every key a leader within ${LEADER_WITHIN_MS / 1000} s of each of ${RESTARTS} restarts at random moments`, async () => {
    await eventually(everyKeyLed, LEADER_WITHIN_MS, 20);
    const timesToLeader: number[] = [];
    for (let restart = 1; restart <= RESTARTS; restart++) {
      // A random moment of the elections: a heartbeat or a standby's request in flight, or between them.
      await pause(randomMs(1_500));
      await server.stopInBackground();
      await pause(randomMs(1_000));
      await server.startInBackground();
      const restartedAt = Date.now();
      await eventually(everyKeyLed, LEADER_WITHIN_MS, 20).catch(() => {
        const report = KEYS.map(
          (key) =>
            `${key}: ${elections
              .get(key)!
              .map((e) => JSON.stringify(e.status()))
              .join(' ')}`,
        );
        throw new Error(`restart ${restart}: not every key led within ${LEADER_WITHIN_MS} ms\n${report.join('\n')}`);
      });
      timesToLeader.push(Date.now() - restartedAt);
      await delivered(restart);
    }
    const sorted = [...timesToLeader].sort((a, b) => a - b);
    process.stdout.write(
      `time to a leader of every key after ${RESTARTS} restarts: median ${sorted[Math.floor(sorted.length / 2)]} ms, worst ${sorted[sorted.length - 1]} ms\n`,
    );
    expect(timesToLeader).toHaveLength(RESTARTS);
    expect(overlaps).toEqual([]);
    for (const election of [...elections.values()].flat()) expect(election.status().stalled).toBe(false);
  });
});
