import { jitteredMs } from '@app/async';
import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import {
  ElectionEffect,
  ElectionInput,
  ElectionSettings,
  ElectionState,
  advance,
  electionStalled,
  initialElectionState,
  stalledAfterMs,
} from './election-machine';
import { ElectionClock, systemClock } from './election-clock';
import { ElectionStatus, trackElection } from './election-registry';
import { ElectionSession, ElectionSessionFactory, pgElectionSession } from './election-session';

export interface LeaderElectionOptions {
  databaseUrl: string;
  /** Everything that competes for the same key competes for the same leadership. */
  lockKey: string;
  /** A NOTIFY channel the leader listens on, reported as 'notify' events. */
  listenChannel?: string;
  retryIntervalMs?: number;
  /** What the leader is, for the log and the metrics' `role` label: 'relay' unless told. */
  role?: string;
  /** How often the leader proves its session alive. */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat (or a connect) may take before the leader steps down. */
  heartbeatTimeoutMs?: number;
  /** Opens the election's database sessions; a pg Client each unless told. */
  sessions?: ElectionSessionFactory;
  clock?: ElectionClock;
  random?: () => number;
}

// Beyond pg's own timeouts: a step whose promise never settles still ends.
const DEADLINE_GRACE_MS = 1_000;

/**
 * Leadership through a session-level PostgreSQL advisory lock on a dedicated connection: when the
 * leader dies its connection closes and the server releases the lock, so a standby retrying every
 * `retryIntervalMs` (jittered: between half and all of it) takes over within about that long. No
 * cluster membership is needed.
 *
 * A leader cut off without a FIN or RST is bounded on both ends, so that the two never overlap:
 * - the leader holds a lease renewed by each answered heartbeat, and steps down once it has had no
 *   answer for `heartbeatIntervalMs + heartbeatTimeoutMs`;
 * - the server ends the session (and so releases the lock) after `sessionIdleTimeoutMs` without a
 *   query, which is longer than that lease, so the old leader has stopped before a standby starts.
 *
 * Which step comes next is decided in one place, the pure `advance` of election-machine.ts; this
 * class only carries out its effects and feeds their results back, each tagged with its step, so
 * a late result can never start a second line of steps or end the only one.
 */
export class LeaderElection extends EventEmitter {
  private readonly logger: Logger;
  private readonly settings: ElectionSettings;
  private readonly clock: ElectionClock;
  private readonly openSession: ElectionSessionFactory;
  private readonly stepDeadlineMs: number;
  private state: ElectionState = initialElectionState();
  private readonly sessions = new Map<number, ElectionSession>();
  private readonly closing = new Map<number, Promise<void>>();
  private timer?: unknown;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.logger = new Logger(`Leadership:${options.lockKey}`);
    this.settings = {
      retryIntervalMs: options.retryIntervalMs ?? 1_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 3_000,
    };
    this.clock = options.clock ?? systemClock;
    this.openSession = options.sessions ?? pgElectionSession;
    this.stepDeadlineMs = this.settings.heartbeatTimeoutMs + DEADLINE_GRACE_MS;
  }

  /** Leader, and the lease is current (a stalled event loop cannot outlive it unnoticed). */
  get isLeader(): boolean {
    return this.state.phase === 'leading' && this.clock.now() < this.state.leaseUntil;
  }

  /** How long the server keeps a silent session, and so the lock: twice the lease, at least 6 s. */
  get sessionIdleTimeoutMs(): number {
    const { heartbeatIntervalMs, retryIntervalMs, heartbeatTimeoutMs } = this.settings;
    return Math.max(6_000, 2 * (Math.max(heartbeatIntervalMs, retryIntervalMs) + heartbeatTimeoutMs));
  }

  /** Where the election stands, for readiness and the metrics. */
  status(): ElectionStatus {
    const now = this.clock.now();
    return {
      lockKey: this.options.lockKey,
      role: this.role,
      phase: this.state.phase,
      leader: this.isLeader,
      lastAttemptAgeMs: this.state.phase === 'idle' ? 0 : now - this.state.lastAttemptAt,
      stalled: electionStalled(this.state, now, this.settings, this.stepDeadlineMs),
      stalledAfterMs: stalledAfterMs(this.settings, this.stepDeadlineMs),
    };
  }

  /** Competes until stopped; a second start while running changes nothing. */
  start(): void {
    trackElection(this, true);
    this.dispatch({ type: 'start', at: this.clock.now() });
  }

  /** Gives up leadership and ends every session this election opened. */
  async stop(): Promise<void> {
    this.dispatch({ type: 'stop', at: this.clock.now() });
    trackElection(this, false);
    for (const id of [...this.sessions.keys()]) void this.closeSession(id);
    await Promise.all([...this.closing.values()]);
  }

  private get role(): string {
    return this.options.role ?? 'relay';
  }

  private dispatch(input: ElectionInput): void {
    const before = this.state;
    const { state, effects } = advance(before, input, this.settings);
    this.state = state;
    // The timer belonged to the step just left; a new wait sets its own.
    if (state.step !== before.step) this.cancelTimer();
    for (const effect of effects) this.perform(effect);
  }

  private perform(effect: ElectionEffect): void {
    switch (effect.type) {
      case 'wait': {
        const ms = effect.jittered ? jitteredMs(effect.ms, this.options.random) : effect.ms;
        this.timer = this.clock.setTimeout(() => this.dispatch({ type: 'timerFired', step: effect.step, at: this.clock.now() }), ms);
        return;
      }
      case 'connect':
        return this.settle(
          () => this.open(effect.session).connect(),
          (at) => ({ type: 'connected', step: effect.step, session: effect.session, at }),
          effect.step,
        );
      case 'askLock':
        return this.settle(
          () => this.askLock(effect.session),
          (at, locked) => ({ type: 'lockAnswered', step: effect.step, locked, at }),
          effect.step,
        );
      case 'heartbeat':
        return this.settle(
          () => this.session(effect.session).ping(),
          (at) => ({ type: 'heartbeatAnswered', step: effect.step, at }),
          effect.step,
        );
      case 'close':
        void this.closeSession(effect.session).then(() => this.dispatch({ type: 'closed', step: effect.step, at: this.clock.now() }));
        return;
      case 'discard':
        void this.closeSession(effect.session);
        return;
      case 'announce':
        return this.announce(effect.leader);
      case 'warn':
        this.logger.warn(effect.message);
        return;
    }
  }

  private open(id: number): ElectionSession {
    const session = this.openSession(
      {
        databaseUrl: this.options.databaseUrl,
        applicationName: `leader:${this.options.lockKey}`,
        timeoutMs: this.settings.heartbeatTimeoutMs,
        idleSessionTimeoutMs: this.sessionIdleTimeoutMs,
      },
      {
        lost: (reason) => this.dispatch({ type: 'connectionLost', session: id, reason, at: this.clock.now() }),
        notified: () => this.emit('notify'),
      },
    );
    this.sessions.set(id, session);
    return session;
  }

  private async askLock(id: number): Promise<boolean> {
    const session = this.session(id);
    const locked = await session.tryLock(this.options.lockKey);
    if (locked && this.options.listenChannel) await session.listen(this.options.listenChannel);
    return locked;
  }

  private session(id: number): ElectionSession {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`session ${id} is closed`);
    return session;
  }

  /** Feeds an operation's outcome back, within the step's deadline whatever the operation does. */
  private settle<T>(operation: () => Promise<T>, answered: (at: number, value: T) => ElectionInput, step: number): void {
    let deadline: unknown;
    const timedOut = new Promise<never>((_, reject) => {
      deadline = this.clock.setTimeout(() => reject(new Error(`no answer within ${this.stepDeadlineMs} ms`)), this.stepDeadlineMs);
    });
    void Promise.race([new Promise<T>((resolve) => resolve(operation())), timedOut])
      .then(
        (value): ElectionInput => answered(this.clock.now(), value),
        (error: Error): ElectionInput => ({ type: 'failed', step, reason: error.message, at: this.clock.now() }),
      )
      .then((input) => {
        this.clock.clearTimeout(deadline);
        this.dispatch(input);
      });
  }

  /** Ends a session (bounded), dropping its socket if the polite end finds no answer. */
  private closeSession(id: number): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return this.closing.get(id) ?? Promise.resolve();
    this.sessions.delete(id);
    let deadline: unknown;
    const done = Promise.race([
      session.close().catch(() => undefined),
      new Promise<void>((resolve) => (deadline = this.clock.setTimeout(resolve, this.stepDeadlineMs))),
    ]).then(() => {
      this.clock.clearTimeout(deadline);
      session.destroy();
      this.closing.delete(id);
    });
    this.closing.set(id, done);
    return done;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private announce(leader: boolean): void {
    this.logger.log(leader ? `became the active ${this.role}` : `is no longer the active ${this.role}`);
    try {
      this.emit(leader ? 'elected' : 'deposed');
    } catch (error) {
      // A listener's failure is its own: the election goes on regardless.
      this.logger.error(`a leadership listener failed: ${(error as Error).message}`);
    }
  }
}
