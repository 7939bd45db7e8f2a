import fc from 'fast-check';
import {
  ElectionEffect,
  ElectionInput,
  ElectionState,
  advance,
  electionStalled,
  initialElectionState,
  stalledAfterMs,
} from './election-machine';

const settings = { retryIntervalMs: 1_000, heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 3_000 };
const DEADLINE = 4_000;

/** An input built from the state it arrives in, so that specs need not count steps. */
type Step = (state: ElectionState) => ElectionInput;

const start: Step = () => ({ type: 'start', at: 0 });
const stop =
  (at = 0): Step =>
  () => ({ type: 'stop', at });
const fired =
  (at = 0): Step =>
  (state) => ({ type: 'timerFired', step: state.step, at });
const connected =
  (at = 0): Step =>
  (state) => ({ type: 'connected', step: state.step, session: state.session!, at });
const lockAnswered =
  (locked: boolean, at = 0): Step =>
  (state) => ({ type: 'lockAnswered', step: state.step, locked, at });
const heartbeatAnswered =
  (at = 0): Step =>
  (state) => ({ type: 'heartbeatAnswered', step: state.step, at });
const failed =
  (at = 0): Step =>
  (state) => ({ type: 'failed', step: state.step, reason: 'Query read timeout', at });
const closed: Step = (state) => ({ type: 'closed', step: state.step, at: 0 });
const lost =
  (at = 0): Step =>
  (state) => ({ type: 'connectionLost', session: state.session!, reason: 'terminating connection due to administrator command', at });

const run = (steps: Step[], from = initialElectionState()) => {
  let state = from;
  let effects: ElectionEffect[] = [];
  for (const step of steps) ({ state, effects } = advance(state, step(state), settings));
  return { state, effects };
};

/** Given the inputs so far, when these arrive, then the state and the effects of the last one. */
const given = (...history: Step[]) => ({
  when: (...steps: Step[]) => ({
    then(state: Partial<ElectionState>, effects: Partial<ElectionEffect>[]): void {
      const outcome = run(steps, run(history).state);
      expect(outcome.state).toMatchObject(state);
      expect(outcome.effects).toEqual(effects.map((effect) => expect.objectContaining(effect)));
    },
  }),
});

const contending = [start, connected()];
const leading = [...contending, lockAnswered(true)];

describe('The election machine', () => {
  it('opens a session when started, then asks for the lock on it', () => {
    given()
      .when(start)
      .then({ phase: 'connecting', awaiting: 'connect' }, [{ type: 'connect' }]);
    given(start)
      .when(connected(5))
      .then({ phase: 'contending', awaiting: 'lock', sentAt: 5, lastAttemptAt: 5 }, [{ type: 'askLock' }]);
  });

  it('leads when granted the lock, its lease measured from when the request was sent', () => {
    given(start, connected(100))
      .when(lockAnswered(true, 2_500))
      .then({ phase: 'leading', awaiting: 'timer', leaseUntil: 100 + 4_000 }, [
        { type: 'announce', leader: true },
        { type: 'wait', ms: 1_000, jittered: false },
      ]);
  });

  it('asks again after a jittered retry interval when refused, on the same session', () => {
    given(...contending)
      .when(lockAnswered(false))
      .then({ phase: 'contending', awaiting: 'timer' }, [{ type: 'wait', ms: 1_000, jittered: true }]);
    given(...contending, lockAnswered(false))
      .when(fired(7))
      .then({ phase: 'contending', awaiting: 'lock' }, [{ type: 'askLock' }]);
  });

  it('renews the lease from each heartbeat sent, not answered', () => {
    given(...leading, fired(10_000))
      .when(heartbeatAnswered(12_000))
      .then({ phase: 'leading', awaiting: 'timer', leaseUntil: 14_000 }, [{ type: 'wait', ms: 1_000 }]);
  });

  it('steps down on a failed heartbeat, ends the session, and only then retries', () => {
    given(...leading, fired())
      .when(failed())
      .then({ phase: 'steppingDown', awaiting: 'close', leaseUntil: 0 }, [
        { type: 'announce', leader: false },
        { type: 'warn' },
        { type: 'close' },
      ]);
    given(...leading, fired(), failed())
      .when(closed)
      .then({ phase: 'connecting', awaiting: 'timer', session: undefined }, [{ type: 'wait', jittered: true }]);
  });

  it('steps down at once when a silent leader loses its connection', () => {
    given(...leading)
      .when(lost())
      .then({ phase: 'steppingDown', awaiting: 'close' }, [{ type: 'announce', leader: false }, { type: 'warn' }, { type: 'close' }]);
  });

  it('backs off when the connect fails, and drops the half-open session', () => {
    given(start)
      .when(failed())
      .then({ phase: 'connecting', awaiting: 'timer', session: undefined }, [
        { type: 'warn' },
        { type: 'discard', session: 2 },
        { type: 'wait', jittered: true },
      ]);
  });

  it('ignores the late answer of a lock request whose connection was lost meanwhile', () => {
    const asking = run(contending).state;
    const afterLoss = run([lost()], asking).state;
    expect(afterLoss).toMatchObject({ phase: 'connecting', awaiting: 'timer' });
    given(...contending, lost())
      .when(() => lockAnswered(true)(asking))
      .then(afterLoss, []);
  });

  it('does not lead on a lock granted to a session it abandoned, while asking on the next one', () => {
    const askingOnFirst = run(contending).state;
    const askingOnSecond = run([...contending, lost(), fired(), connected()]).state;
    expect(askingOnSecond).toMatchObject({ phase: 'contending', awaiting: 'lock' });
    expect(askingOnSecond.session).not.toBe(askingOnFirst.session);
    given(...contending, lost(), fired(), connected())
      .when(() => lockAnswered(true)(askingOnFirst))
      .then(askingOnSecond, []);
  });

  it('steps down once when a failed heartbeat races the connection error', () => {
    const sending = run([...leading, fired()]).state;
    given(...leading, fired(), lost())
      .when(() => failed()(sending))
      .then({ phase: 'steppingDown', awaiting: 'close' }, []);
    given(...leading, fired(), failed())
      .when(() => lost()(sending))
      .then({ phase: 'steppingDown', awaiting: 'close' }, []);
  });

  it('goes idle on stop, ending the session being opened, and ends it again if its connect succeeds later', () => {
    const connecting = run([start]).state;
    given(start)
      .when(stop())
      .then({ phase: 'idle', awaiting: undefined }, [{ type: 'discard', session: connecting.session }]);
    given(start, stop())
      .when(() => connected()(connecting))
      .then({ phase: 'idle' }, [{ type: 'discard', session: connecting.session }]);
  });

  it('announces the end of leadership on stop, and a stale timer does nothing after it', () => {
    const waiting = run(leading).state;
    given(...leading)
      .when(stop())
      .then({ phase: 'idle', leaseUntil: 0 }, [{ type: 'announce', leader: false }, { type: 'discard' }]);
    given(...leading, stop())
      .when(() => fired()(waiting))
      .then({ phase: 'idle' }, []);
  });

  it('ignores a second start and the loss of a session it no longer uses', () => {
    const state = run(leading).state;
    given(...leading)
      .when(start)
      .then(state, []);
    given(...leading)
      .when(() => ({ type: 'connectionLost', session: 999, reason: 'old', at: 0 }))
      .then(state, []);
  });
});

describe('The stalled-election rule', () => {
  const threshold = stalledAfterMs(settings, DEADLINE);

  it('holds once no step has begun for longer than the longest wait plus two step deadlines', () => {
    const contendingAt100 = run([start, connected(100)]).state;
    expect(threshold).toBe(9_000);
    expect(electionStalled(contendingAt100, 100 + threshold, settings, DEADLINE)).toBe(false);
    expect(electionStalled(contendingAt100, 101 + threshold, settings, DEADLINE)).toBe(true);
  });

  it('never holds for an election that is not running', () => {
    expect(electionStalled(run([start, stop()]).state, 1e9, settings, DEADLINE)).toBe(false);
  });
});

describe('Every interleaving of inputs (property)', () => {
  const awaitedEffect = (effect: ElectionEffect) => ['wait', 'connect', 'askLock', 'heartbeat', 'close'].includes(effect.type);

  // Inputs of the current step, of stale steps, and losses of any session, in any order.
  const input = fc.oneof(
    fc.constant<Step>(start),
    fc.constant<Step>(stop()),
    fc.constant<Step>(fired()),
    fc.constant<Step>(connected()),
    fc.boolean().map((locked) => lockAnswered(locked)),
    fc.constant<Step>(heartbeatAnswered()),
    fc.constant<Step>(failed()),
    fc.constant<Step>(closed),
    fc.constant<Step>(lost()),
    fc.integer({ min: 1, max: 3 }).map((back): Step => (state) => ({ ...fired()(state), step: state.step - back })),
    fc.integer({ min: 1, max: 3 }).map((back): Step => (state) => ({ ...failed()(state), step: state.step - back })),
    fc.integer({ min: 1, max: 3 }).map((back): Step => (state) => ({ ...connected()(state), step: state.step - back })),
    fc.integer({ min: 0, max: 9 }).map((session): Step => () => ({ type: 'connectionLost', session, reason: 'x', at: 0 })),
  );

  it('awaits exactly one thing, of its current step, unless stopped', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), (steps) => {
        let state = initialElectionState();
        for (const step of steps) {
          const received = step(state);
          const next = advance(state, received, settings);
          if (next.state.phase === 'idle') {
            expect(next.state.awaiting).toBeUndefined();
            expect(received.type === 'stop' || state.phase === 'idle').toBe(true);
          } else {
            expect(next.state.awaiting).toBeDefined();
            const awaited = next.effects.filter(awaitedEffect);
            if (next.state.step === state.step) expect(awaited).toEqual([]);
            else expect(awaited).toEqual([expect.objectContaining({ step: next.state.step })]);
          }
          expect(next.state.phase === 'leading' || next.state.leaseUntil === 0).toBe(true);
          state = next.state;
        }
      }),
      { numRuns: 500 },
    );
  });
});
