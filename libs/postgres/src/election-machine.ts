/**
 * The leader election as a pure state machine: `advance(state, input)` returns the next state and
 * the effects the adapter (LeaderElection) carries out. Time arrives in the inputs.
 *
 * The invariant that keeps it alive: outside `idle`, the state awaits exactly one thing (`awaiting`,
 * numbered `step`): a timer or one operation in flight. Every transition out of a state that awaited
 * something either awaits something new or goes idle (only `stop` does that), and every result of an
 * older step is stale and ignored. So no interleaving of connection loss, a slow or failed operation
 * and a stop can leave the election with nothing to wait for.
 */

export interface ElectionSettings {
  retryIntervalMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
}

/**
 * - idle: not started, or stopped;
 * - connecting: waiting to connect (timer) or opening a session (connect);
 * - contending: on an open session, asking for the lock (lock) or waiting to ask again (timer);
 * - leading: holding the lock, sending a heartbeat (heartbeat) or waiting to send the next (timer);
 * - steppingDown: leadership given up, ending the session that held the lock (close).
 */
export type ElectionPhase = 'idle' | 'connecting' | 'contending' | 'leading' | 'steppingDown';
export type Awaited = 'timer' | 'connect' | 'lock' | 'heartbeat' | 'close';

export interface ElectionState {
  readonly phase: ElectionPhase;
  /** The one thing awaited; undefined only when idle. */
  readonly awaiting?: Awaited;
  /** Number of the awaited step: a timer or a result carrying another number is stale. */
  readonly step: number;
  /** The session in use (being opened, open, or being closed). */
  readonly session?: number;
  /** When the lock request or heartbeat in flight was sent: the lease is measured from it. */
  readonly sentAt: number;
  readonly leaseUntil: number;
  /** When the election last started a step (connect, lock request, heartbeat, close). */
  readonly lastAttemptAt: number;
  /** Last number handed out, for steps and sessions alike. */
  readonly lastId: number;
}

export type ElectionInput =
  | { type: 'start'; at: number }
  | { type: 'stop'; at: number }
  | { type: 'timerFired'; step: number; at: number }
  | { type: 'connected'; step: number; session: number; at: number }
  | { type: 'lockAnswered'; step: number; locked: boolean; at: number }
  | { type: 'heartbeatAnswered'; step: number; at: number }
  | { type: 'closed'; step: number; at: number }
  /** A connect, lock request or heartbeat failed (or found no answer in time). */
  | { type: 'failed'; step: number; reason: string; at: number }
  /** The session's connection reported an error or its end. */
  | { type: 'connectionLost'; session: number; reason: string; at: number };

export type ElectionEffect =
  | { type: 'wait'; step: number; ms: number; jittered: boolean }
  | { type: 'connect'; step: number; session: number }
  | { type: 'askLock'; step: number; session: number }
  | { type: 'heartbeat'; step: number; session: number }
  /** Ends the session (releasing its lock) and reports `closed` with this step. */
  | { type: 'close'; step: number; session: number }
  /** Ends a session nothing waits for any more; reports nothing. */
  | { type: 'discard'; session: number }
  | { type: 'announce'; leader: boolean }
  | { type: 'warn'; message: string };

export interface Transition {
  state: ElectionState;
  effects: ElectionEffect[];
}

export const initialElectionState = (): ElectionState => ({
  phase: 'idle',
  step: 0,
  sentAt: 0,
  leaseUntil: 0,
  lastAttemptAt: 0,
  lastId: 0,
});

/** The next state and effects of the election for one input. */
export function advance(state: ElectionState, input: ElectionInput, settings: ElectionSettings): Transition {
  switch (input.type) {
    case 'start':
      return state.phase === 'idle' ? connect(state, input.at) : unchanged(state);
    case 'stop':
      return stop(state);
    case 'connectionLost':
      if (input.session !== state.session || state.phase === 'idle' || state.phase === 'steppingDown') return unchanged(state);
      return abandon(state, input.at, `leadership connection lost: ${input.reason}`, settings);
    default:
      if (state.phase === 'idle' || input.step !== state.step || !answers(input, state.awaiting)) return stale(state, input);
      return current(state, input, settings);
  }
}

const ANSWERS: Record<Awaited, ElectionInput['type'][]> = {
  timer: ['timerFired'],
  connect: ['connected', 'failed'],
  lock: ['lockAnswered', 'failed'],
  heartbeat: ['heartbeatAnswered', 'failed'],
  close: ['closed'],
};

/** Whether the input is an outcome of what the state awaits (anything else is a confusion, treated as stale). */
const answers = (input: ElectionInput, awaiting: Awaited | undefined): boolean =>
  awaiting !== undefined && ANSWERS[awaiting].includes(input.type);

function current(state: ElectionState, input: ElectionInput, settings: ElectionSettings): Transition {
  const lease = settings.heartbeatIntervalMs + settings.heartbeatTimeoutMs;
  switch (input.type) {
    case 'timerFired':
      if (state.phase === 'connecting') return connect(state, input.at);
      if (state.phase === 'contending') return ask(state, input.at);
      if (state.phase === 'leading') {
        const step = state.lastId + 1;
        return {
          state: { ...state, awaiting: 'heartbeat', step, lastId: step, sentAt: input.at, lastAttemptAt: input.at },
          effects: [{ type: 'heartbeat', step, session: state.session! }],
        };
      }
      return unchanged(state);
    case 'connected':
      return ask({ ...state, phase: 'contending' }, input.at);
    case 'lockAnswered': {
      if (!input.locked) return wait({ ...state, phase: 'contending' }, settings.retryIntervalMs, true, []);
      // Measured from when the request was sent: the server saw the session alive no earlier.
      const leading = { ...state, phase: 'leading' as const, leaseUntil: state.sentAt + lease };
      return wait(leading, settings.heartbeatIntervalMs, false, [{ type: 'announce', leader: true }]);
    }
    case 'heartbeatAnswered':
      return wait({ ...state, leaseUntil: state.sentAt + lease }, settings.heartbeatIntervalMs, false, []);
    case 'failed':
      return abandon(state, input.at, failure(state, input.reason), settings);
    case 'closed':
      return backOff(state, settings, []);
    default:
      return unchanged(state);
  }
}

/** The session is no use any more: a leader steps down (ending it), anyone else drops it and retries. */
function abandon(state: ElectionState, at: number, why: string, settings: ElectionSettings): Transition {
  const warn: ElectionEffect = { type: 'warn', message: why };
  if (state.phase !== 'leading') {
    const drop: ElectionEffect[] = state.session === undefined ? [] : [{ type: 'discard', session: state.session }];
    return backOff(state, settings, [warn, ...drop]);
  }
  const step = state.lastId + 1;
  return {
    state: { ...state, phase: 'steppingDown', awaiting: 'close', step, lastId: step, leaseUntil: 0, lastAttemptAt: at },
    effects: [{ type: 'announce', leader: false }, warn, { type: 'close', step, session: state.session! }],
  };
}

function connect(state: ElectionState, at: number): Transition {
  const step = state.lastId + 1;
  const session = step + 1;
  return {
    state: { ...state, phase: 'connecting', awaiting: 'connect', step, session, lastId: session, leaseUntil: 0, lastAttemptAt: at },
    effects: [{ type: 'connect', step, session }],
  };
}

function ask(state: ElectionState, at: number): Transition {
  const step = state.lastId + 1;
  return {
    state: { ...state, awaiting: 'lock', step, lastId: step, sentAt: at, lastAttemptAt: at },
    effects: [{ type: 'askLock', step, session: state.session! }],
  };
}

function backOff(state: ElectionState, settings: ElectionSettings, effects: ElectionEffect[]): Transition {
  return wait({ ...state, phase: 'connecting', session: undefined, leaseUntil: 0 }, settings.retryIntervalMs, true, effects);
}

function wait(state: ElectionState, ms: number, jittered: boolean, effects: ElectionEffect[]): Transition {
  const step = state.lastId + 1;
  return { state: { ...state, awaiting: 'timer', step, lastId: step }, effects: [...effects, { type: 'wait', step, ms, jittered }] };
}

function stop(state: ElectionState): Transition {
  if (state.phase === 'idle') return unchanged(state);
  const effects: ElectionEffect[] = [];
  if (state.phase === 'leading') effects.push({ type: 'announce', leader: false });
  // Ending the session releases the lock; one still opening is ended too, and its result is stale.
  if (state.session !== undefined) effects.push({ type: 'discard', session: state.session });
  const step = state.lastId + 1;
  return { state: { ...state, phase: 'idle', awaiting: undefined, session: undefined, step, lastId: step, leaseUntil: 0 }, effects };
}

/** A late result of an abandoned step: only a session it opened needs ending. */
function stale(state: ElectionState, input: ElectionInput): Transition {
  return input.type === 'connected' ? { state, effects: [{ type: 'discard', session: input.session }] } : unchanged(state);
}

function failure(state: ElectionState, reason: string): string {
  if (state.awaiting === 'connect') return `leadership connect failed: ${reason}`;
  if (state.awaiting === 'heartbeat') return `leadership heartbeat failed, stepping down: ${reason}`;
  return `leadership check failed: ${reason}`;
}

const unchanged = (state: ElectionState): Transition => ({ state, effects: [] });

/** How long a healthy election can go without starting a step: the longer wait plus a step's deadline, twice over for slack. */
export const stalledAfterMs = (settings: ElectionSettings, stepDeadlineMs: number): number =>
  Math.max(settings.retryIntervalMs, settings.heartbeatIntervalMs) + 2 * stepDeadlineMs;

/** Started, yet no step begun for longer than a healthy election ever waits: the election is dead. */
export function electionStalled(state: ElectionState, now: number, settings: ElectionSettings, stepDeadlineMs: number): boolean {
  return state.phase !== 'idle' && now - state.lastAttemptAt > stalledAfterMs(settings, stepDeadlineMs);
}
