import fc from 'fast-check';
import { register } from 'prom-client';
import { runningElections } from './election-registry';
import { LeaderElection } from './leader-election';
import { FakeClock, FakeDatabase, settle } from './test/fake-election';

// Defaults: retry 1 s, heartbeat 1 s, heartbeat timeout 3 s, so a step's deadline is 4 s.
const KEY = 'relay:account';
// From any state, a healthy database gives a leader within: a step's deadline (the step in flight),
// a close's deadline, the retry wait, and the connect and lock request themselves.
const LEADS_WITHIN_MS = 4_000 + 4_000 + 1_000 + 1_000;

describe('LeaderElection', () => {
  let clock: FakeClock;
  let database: FakeDatabase;
  const elections: LeaderElection[] = [];

  const election = (lockKey = KEY): LeaderElection => {
    const created = new LeaderElection({ databaseUrl: 'unused', lockKey, sessions: database.sessions, clock, random: () => 0.5 });
    elections.push(created);
    return created;
  };
  const started = (lockKey = KEY): LeaderElection => {
    const created = election(lockKey);
    created.start();
    return created;
  };
  const leaders = () => elections.filter((candidate) => candidate.isLeader);

  beforeEach(() => {
    clock = new FakeClock();
    database = new FakeDatabase();
  });

  afterEach(async () => {
    database.healthy();
    database.release('fail');
    await Promise.all(elections.splice(0).map((candidate) => candidate.stop()));
  });

  it('leads on a healthy database, renews its lease, and holds the lock on its session', async () => {
    const candidate = started();
    const elected = jest.fn();
    candidate.on('elected', elected);
    await clock.advance(10);
    expect(candidate.isLeader).toBe(true);
    await clock.advance(30_000);
    expect(candidate.isLeader).toBe(true);
    expect(elected).toHaveBeenCalledTimes(1);
    expect(database.holderOf(KEY)).toBeDefined();
  });

  it('gives up a connect that hangs after its deadline and leads once connects are answered', async () => {
    database.connects = 'hang';
    const candidate = started();
    await clock.advance(20_000);
    expect(candidate.isLeader).toBe(false);
    expect(candidate.status().stalled).toBe(false);
    database.connects = 'answer';
    await clock.advance(LEADS_WITHIN_MS);
    expect(candidate.isLeader).toBe(true);
  });

  it("retries when the connection ends while the lock request is in flight, and ignores that request's late answer", async () => {
    const candidate = started();
    database.queries = 'hang';
    await clock.advance(10);
    expect(database.hanging).toBe(1);
    database.restart('Connection terminated unexpectedly');
    database.release('answer');
    database.healthy();
    await clock.advance(LEADS_WITHIN_MS);
    expect(candidate.isLeader).toBe(true);
    expect(database.open.size).toBe(1);
  });

  it('steps down once when a failed heartbeat races the connection error, and leads again', async () => {
    const candidate = started();
    const deposed = jest.fn();
    candidate.on('deposed', deposed);
    await clock.advance(10);
    database.queries = 'hang';
    await clock.advance(1_000);
    expect(database.hanging).toBe(1);
    database.restart();
    database.release('fail');
    await settle();
    expect(candidate.isLeader).toBe(false);
    database.healthy();
    await clock.advance(LEADS_WITHIN_MS);
    expect(candidate.isLeader).toBe(true);
    expect(deposed).toHaveBeenCalledTimes(1);
  });

  it('stops during a connect: nothing stays scheduled or open, and a late connect opens nothing', async () => {
    database.connects = 'hang';
    const candidate = started();
    await clock.advance(10);
    await candidate.stop();
    database.release('answer');
    await clock.advance(30_000);
    expect(clock.pendingTimers).toBe(0);
    expect(database.open.size).toBe(0);
    expect(candidate.status().phase).toBe('idle');
    expect(runningElections()).toEqual([]);
  });

  it('leads again after a stop and a start, as a worker restarted in place does', async () => {
    const candidate = started();
    await clock.advance(10);
    await candidate.stop();
    expect(database.holderOf(KEY)).toBeUndefined();
    candidate.start();
    await clock.advance(10);
    expect(candidate.isLeader).toBe(true);
  });

  it('keeps competing when a leadership listener throws', async () => {
    const candidate = started();
    candidate.on('deposed', () => {
      throw new Error('listener bug');
    });
    await clock.advance(10);
    database.restart();
    await clock.advance(LEADS_WITHIN_MS);
    expect(candidate.isLeader).toBe(true);
  });

  it('lets one of two candidates lead, and the other take over when the leader stops', async () => {
    const [first, second] = [started(), started()];
    await clock.advance(5_000);
    expect(leaders()).toHaveLength(1);
    const [leader] = leaders();
    await leader.stop();
    await clock.advance(LEADS_WITHIN_MS);
    expect(leaders()).toEqual([leader === first ? second : first]);
  });

  it('reports a frozen election as stalled, in its status and the metrics', async () => {
    const candidate = started();
    await clock.advance(10);
    database.restart();
    await settle();
    const metric = async () => (await register.getSingleMetric('leader_election_stalled')!.get()).values;
    expect(candidate.status().stalled).toBe(false);
    expect(await metric()).toEqual([{ labels: { role: 'relay', key: KEY }, value: 0 }]);
    clock.freezeFor(candidate.status().stalledAfterMs + 1);
    expect(candidate.status()).toMatchObject({ stalled: true, leader: false, phase: 'connecting' });
    expect(await metric()).toEqual([{ labels: { role: 'relay', key: KEY }, value: 1 }]);
    const age = (await register.getSingleMetric('leader_election_last_attempt_age_seconds')!.get()).values;
    expect(age[0].value).toBeGreaterThan(9);
  });

  it('always has a step scheduled or in flight, and regains a leader, under any interleaving of faults (property)', async () => {
    const answer = fc.constantFrom<'answer' | 'fail' | 'hang'>('answer', 'fail', 'hang');
    const fault = fc.oneof(
      fc.integer({ min: 0, max: 5_000 }).map((ms) => ({ kind: 'wait' as const, ms })),
      answer.map((connects) => ({ kind: 'connects' as const, connects })),
      answer.map((queries) => ({ kind: 'queries' as const, queries })),
      fc.constant({ kind: 'restart' as const }),
      fc.nat().map((index) => ({ kind: 'loseOne' as const, index })),
      fc.constantFrom<'answer' | 'fail'>('answer', 'fail').map((late) => ({ kind: 'release' as const, late })),
      fc.nat(1).map((index) => ({ kind: 'restartWorker' as const, index })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fault, { maxLength: 40 }), async (faults) => {
        clock = new FakeClock();
        database = new FakeDatabase();
        const candidates = [started(), started()];
        for (const step of faults) {
          if (step.kind === 'wait') await clock.advance(step.ms);
          if (step.kind === 'connects') database.connects = step.connects;
          if (step.kind === 'queries') database.queries = step.queries;
          if (step.kind === 'restart') database.restart();
          if (step.kind === 'loseOne') [...database.open][step.index % Math.max(1, database.open.size)]?.lose('connection ended');
          if (step.kind === 'release') database.release(step.late);
          if (step.kind === 'restartWorker') {
            await candidates[step.index].stop();
            candidates[step.index].start();
          }
          await settle();
          // Unless stopped, something is always scheduled or in flight: each step in flight has its deadline timer.
          expect(clock.pendingTimers).toBeGreaterThan(0);
          for (const candidate of candidates) expect(candidate.status()).toMatchObject({ stalled: false });
          expect(leaders().length).toBeLessThanOrEqual(1);
          // A leader's lock is held: no leader on the strength of a session it already gave up.
          if (leaders().length === 1) expect(database.holderOf(KEY)).toBeDefined();
        }
        database.healthy();
        database.release('answer');
        await clock.advance(LEADS_WITHIN_MS);
        expect(leaders()).toHaveLength(1);
        await Promise.all(elections.splice(0).map((candidate) => candidate.stop()));
        expect(database.open.size).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
