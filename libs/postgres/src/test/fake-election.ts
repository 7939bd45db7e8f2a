import { ElectionSession, ElectionSessionEvents, ElectionSessionFactory } from '../election-session';
import { ElectionClock } from '../election-clock';

/** Lets every promise that can settle now settle (all queued microtasks run before an immediate). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock whose timers run only when a spec advances it, in time order, promises settling in between. */
export class FakeClock implements ElectionClock {
  private time = 1_000_000;
  private lastId = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    this.timers.set(++this.lastId, { at: this.time + ms, callback });
    return this.lastId;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.time = timer.at;
      timer.callback();
      await settle();
    }
    this.time = until;
  }

  /** Moves time on without running a timer: what a process sees after its event loop was frozen. */
  freezeFor(ms: number): void {
    this.time += ms;
  }
}

/** How the fake database answers: at once, with an error, or never (until a spec releases it). */
export type Answer = 'answer' | 'fail' | 'hang';

interface Held {
  settle(answer: 'answer' | 'fail'): void;
}

/** A database of advisory locks whose sessions fail on command. */
export class FakeDatabase {
  connects: Answer = 'answer';
  queries: Answer = 'answer';
  readonly open = new Set<FakeSession>();
  readonly holders = new Map<string, FakeSession>();
  private readonly held = new Set<Held>();

  readonly sessions: ElectionSessionFactory = (_settings, events) => new FakeSession(this, events);

  /** Every session ends, each reporting its loss, and every lock is free: a restart. */
  restart(reason = 'terminating connection due to administrator command'): void {
    for (const session of [...this.open]) session.lose(reason);
  }

  healthy(): void {
    this.connects = 'answer';
    this.queries = 'answer';
  }

  /** Settles every operation left hanging. */
  release(answer: 'answer' | 'fail'): void {
    const held = [...this.held];
    this.held.clear();
    held.forEach((operation) => operation.settle(answer));
  }

  get hanging(): number {
    return this.held.size;
  }

  holderOf(lockKey: string): FakeSession | undefined {
    return this.holders.get(lockKey);
  }

  /** Runs `work` as the database answers right now. */
  operate<T>(answer: Answer, work: () => T): Promise<T> {
    if (answer === 'fail') return Promise.reject(new Error('Connection terminated unexpectedly'));
    if (answer === 'answer') return new Promise((resolve) => resolve(work()));
    return new Promise<T>((resolve, reject) => {
      const operation: Held = {
        settle: (late) => {
          if (late === 'fail') return reject(new Error('Connection terminated unexpectedly'));
          try {
            resolve(work());
          } catch (error) {
            reject(error as Error);
          }
        },
      };
      this.held.add(operation);
    });
  }
}

export class FakeSession implements ElectionSession {
  private opened = false;
  private ended = false;

  constructor(
    private readonly database: FakeDatabase,
    private readonly events: ElectionSessionEvents,
  ) {}

  connect(): Promise<void> {
    return this.database.operate(this.database.connects, () => {
      if (this.ended) throw new Error('Connection terminated');
      this.opened = true;
      this.database.open.add(this);
    });
  }

  tryLock(lockKey: string): Promise<boolean> {
    return this.query(() => {
      const holder = this.database.holders.get(lockKey);
      if (holder && holder !== this) return false;
      this.database.holders.set(lockKey, this);
      return true;
    });
  }

  listen(): Promise<void> {
    return this.query(() => undefined);
  }

  ping(): Promise<void> {
    return this.query(() => undefined);
  }

  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  destroy(): void {
    this.end();
  }

  /** The connection breaks: the session ends and says so, as pg's 'error' or 'end' does. */
  lose(reason: string): void {
    if (this.ended) return;
    this.end();
    this.events.lost(reason);
  }

  private query<T>(work: () => T): Promise<T> {
    return this.database.operate(this.database.queries, () => {
      if (!this.opened || this.ended) throw new Error('Client was closed and is not queryable');
      return work();
    });
  }

  private end(): void {
    this.ended = true;
    this.database.open.delete(this);
    for (const [key, holder] of this.database.holders) if (holder === this) this.database.holders.delete(key);
  }
}
