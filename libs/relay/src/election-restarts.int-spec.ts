import { PrivatePostgres, eventually } from '@app/testing';
import { Client } from 'pg';
import { LeaderElection } from './leader-election';

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
 * processes' worth of elections per key, each on a session of its own, on a server of this spec's
 * own (the shared one on 5432 is never stopped). After every restart each key has a leader again.
 */
describe('Leader elections across PostgreSQL restarts', () => {
  let server: PrivatePostgres;
  const elections = new Map<string, LeaderElection[]>();
  const leadersOf = (key: string) => elections.get(key)!.filter((election) => election.isLeader);
  const overlaps: string[] = [];
  let sampler: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    server = await PrivatePostgres.start();
    for (const key of KEYS) {
      const competing = Array.from({ length: PROCESSES_PER_KEY }, () => new LeaderElection({ databaseUrl: server.url(), lockKey: key }));
      competing.forEach((election) => election.start());
      elections.set(key, competing);
    }
    // Two leaders of one key at once would deliver twice: watched all along.
    sampler = setInterval(() => {
      for (const key of KEYS) if (leadersOf(key).length > 1) overlaps.push(key);
    }, 10);
  });

  afterAll(async () => {
    clearInterval(sampler);
    await Promise.all([...elections.values()].flat().map((election) => election.stop()));
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
  const everyKeyLed = async () => KEYS.every((key) => leadersOf(key).length === 1) && (await heldLocks().catch(() => 0)) === KEYS.length;

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
