import { KeyedSerialQueue } from '@app/async';
import { Command, Decider, DomainError, Message, fold } from '@app/domain';
import { endSpan, startSpan, traceparentOf, tracingEnabled } from '@app/tracing';
import { context, trace } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { AppendGroup } from './append-group';
import { eventMetadataOf } from './command-metadata';
import { CommitSignal } from './commit-signal';
import { EventStore, WrongExpectedVersionError } from './event-store';
import { NewEvent, RecordedEvent, RecordedOf } from './recorded-event';
import { SnapshotPolicy, SnapshotStore } from './snapshot-store';
import { CachedState, StateCache } from './state-cache';

export interface CommandPathOptions<State, C extends Command, E extends Message> {
  schema: string;
  decider: Decider<State, C, E>;
  /** How many queued commands of one stream are decided together and committed in one transaction. */
  maxBatch?: number;
  /** How often a batch is reloaded and decided again after another writer won the race. */
  maxAttempts?: number;
  cacheSize?: number;
  snapshots?: SnapshotPolicy<State>;
  /** The service's commit signal, shared with its relay; without one, appends wake the relay by NOTIFY only. */
  signal?: CommitSignal;
}

/** What the caller knows of the stream, to spare a read. */
export interface ExecuteCall {
  /**
   * The caller has reason to think the stream is new (nothing it knows of names it): on a cache
   * miss the command is decided against the initial state without reading the stream. Only a read
   * is spared, never a check: the append still expects version 0 and reads and decides again when
   * the stream exists after all, and a command that appends nothing reads the stream before it answers.
   */
  expectNew?: boolean;
}

/** What one command did: its own events and the state right after them. */
export interface CommandResult<State> {
  events: RecordedEvent[];
  state: State;
  version: number;
}

interface Pending<State, C> {
  command: C;
  expectNew: boolean;
  resolve(result: CommandResult<State>): void;
  reject(error: unknown): void;
  /** What its events' metadata adds for tracing: the `traceparent` of the command's append span. */
  traced: { traceparent?: string };
}

/**
 * The engine of every evolving aggregate's write path (services reach it through `defineAggregate`): load → decide → append with the expected version,
 * reloading and deciding again when another writer (in this process or another) got there first.
 *
 * Commands on the same stream queue up in this process and are decided in order against the
 * evolving state, then appended in one transaction (group commit). That queue is only for speed:
 * correctness comes from the unique (stream_id, stream_version), so any number of processes may
 * serve the same stream.
 */
export class CommandPath<State, C extends Command, E extends Message> {
  private readonly store: EventStore;
  private readonly signal: CommitSignal;
  private readonly group: AppendGroup;
  private readonly cache: StateCache<State>;
  private readonly snapshots?: SnapshotStore<State>;
  private readonly waiting = new Map<string, Pending<State, C>[]>();
  private readonly streams = new KeyedSerialQueue();
  private readonly decider: Decider<State, C, E>;
  private readonly maxBatch: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    options: CommandPathOptions<State, C, E>,
  ) {
    this.store = new EventStore(options.schema);
    this.signal = options.signal ?? new CommitSignal(dataSource, options.schema);
    this.group = new AppendGroup(dataSource, this.store, this.signal);
    this.decider = options.decider;
    this.cache = new StateCache(options.cacheSize ?? 10_000);
    this.snapshots = options.snapshots && new SnapshotStore(options.schema, options.snapshots);
    this.maxBatch = options.maxBatch ?? 100;
    this.maxAttempts = options.maxAttempts ?? 30;
  }

  /** Decides `command` against the stream's current state and appends the resulting events. */
  execute(streamId: string, command: C, call: ExecuteCall = {}): Promise<CommandResult<State>> {
    const expectNew = call.expectNew === true;
    if (!tracingEnabled()) return this.enqueue(streamId, command, expectNew, {});
    // A span per command, from the caller's context: its events carry it to the relay, whose publish
    // continues the trace in another transaction, and the consumers after it.
    const span = startSpan(`append ${command.type}`, { attributes: { 'eventstore.schema': this.store.schema } });
    const traceparent = traceparentOf(trace.setSpan(context.active(), span));
    return this.enqueue(streamId, command, expectNew, { traceparent }).then(
      (result) => {
        endSpan(span);
        return result;
      },
      (error: unknown) => {
        endSpan(span, error);
        throw error;
      },
    );
  }

  private enqueue(streamId: string, command: C, expectNew: boolean, traced: Pending<State, C>['traced']): Promise<CommandResult<State>> {
    return new Promise((resolve, reject) => {
      const pending = { command, expectNew, resolve, reject, traced };
      const waiting = this.waiting.get(streamId);
      if (waiting) {
        waiting.push(pending);
        return;
      }
      this.waiting.set(streamId, [pending]);
      void this.streams.run(streamId, () => this.runWaiting(streamId));
    });
  }

  /** The stream's state as of its latest committed event. */
  async load(streamId: string): Promise<CachedState<State>> {
    const { state, version } = await this.currentState(streamId, true);
    return { state, version };
  }

  /** The stream's recorded events after `afterVersion`, in version order, at most `limit` of them. */
  readStream(streamId: string, afterVersion = 0, limit?: number): Promise<RecordedOf<E>[]> {
    return this.store.readStream<E>(this.dataSource.manager, streamId, afterVersion, limit);
  }

  /** Decides and commits up to `maxBatch` of the commands waiting for the stream; the rest take the next turn. */
  private async runWaiting(streamId: string): Promise<void> {
    const waiting = this.waiting.get(streamId)!;
    const batch = waiting.splice(0, this.maxBatch);
    if (waiting.length === 0) this.waiting.delete(streamId);
    else void this.streams.run(streamId, () => this.runWaiting(streamId));
    await this.runBatch(streamId, batch);
  }

  private async runBatch(streamId: string, batch: Pending<State, C>[]): Promise<void> {
    const expectNew = batch.every((pending) => pending.expectNew);
    let current = await this.currentState(streamId, false, expectNew).catch((error: unknown) => {
      batch.forEach((pending) => pending.reject(error));
    });
    if (!current) return;
    for (let attempt = 1; ; attempt++) {
      try {
        let decided = this.decideAll(batch, current.state);
        if (decided.events.length === 0 && !current.fresh) {
          // Appending nothing checks no version: a no-op or a rejection decided on a cached state
          // another process has since moved on from would be stale. One indexed read of the events
          // after the cached version confirms the head, or brings the state up to it.
          const latest = await this.catchUp(streamId, current);
          if (latest.version !== current.version) decided = this.decideAll(batch, latest.state);
          current = latest;
        }
        const appended = decided.events.length ? await this.append(streamId, current, decided.events, decided.state) : [];
        for (const outcome of decided.outcomes) {
          if ('error' in outcome) outcome.pending.reject(outcome.error);
          else
            outcome.pending.resolve({
              events: appended.slice(outcome.from, outcome.to),
              state: outcome.state,
              version: current.version + outcome.to,
            });
        }
        return;
      } catch (error) {
        let failure = error;
        if (error instanceof WrongExpectedVersionError && attempt < this.maxAttempts) {
          const reloaded = await this.currentState(streamId, true).catch((reloadError: unknown) => {
            failure = reloadError;
          });
          if (reloaded) {
            current = reloaded;
            continue;
          }
        }
        if (failure instanceof WrongExpectedVersionError) {
          failure = new DomainError('conflict', 'CONCURRENCY_CONFLICT', `Stream ${streamId} is too busy; retry the command`);
        } else if (batch.length > 1) {
          // The database refused the batch's one INSERT: decide and append each command on its own,
          // so that only the command that caused it fails.
          for (const pending of batch) await this.runBatch(streamId, [pending]);
          return;
        }
        batch.forEach((pending) => pending.reject(failure));
        return;
      }
    }
  }

  /** Decides each command in turn; a rejected command leaves the state as it was for the next. */
  private decideAll(batch: Pending<State, C>[], initial: State) {
    const events: NewEvent[] = [];
    const outcomes: (
      { pending: Pending<State, C>; error: unknown } | { pending: Pending<State, C>; from: number; to: number; state: State }
    )[] = [];
    let state = initial;
    for (const pending of batch) {
      try {
        const decided = this.decider.decide(pending.command, state);
        const from = events.length;
        state = fold(this.decider, decided, state);
        const commandMetadata = eventMetadataOf(pending.command);
        const metadata = pending.traced.traceparent ? { ...commandMetadata, ...pending.traced } : commandMetadata;
        events.push(...decided.map((event) => ({ type: event.type, data: event.data, metadata })));
        outcomes.push({ pending, from, to: events.length, state });
      } catch (error) {
        outcomes.push({ pending, error });
      }
    }
    return { events, outcomes, state };
  }

  private async append(streamId: string, current: CachedState<State>, events: NewEvent[], state: State) {
    const latest = { state, version: current.version + events.length };
    const recorded = await this.write(streamId, current.version, events, latest);
    this.cache.set(streamId, latest);
    return recorded;
  }

  /**
   * A snapshot due goes in the same transaction as the events; otherwise one INSERT is atomic on
   * its own, and a single event shares its statement with other streams' (AppendGroup).
   */
  private async write(streamId: string, expectedVersion: number, events: NewEvent[], latest: CachedState<State>) {
    if (this.snapshots?.isDue(expectedVersion, latest.version)) {
      const recorded = await this.dataSource.transaction(async (manager) => {
        const appended = await this.store.append(manager, streamId, expectedVersion, events);
        await this.snapshots!.save(manager, streamId, latest);
        return appended;
      });
      this.signal.committed();
      return recorded;
    }
    if (events.length === 1) return [await this.group.append({ streamId, expectedVersion, event: events[0] })];
    const recorded = await this.store.append(this.dataSource.manager, streamId, expectedVersion, events);
    this.signal.committed();
    return recorded;
  }

  /**
   * Cached state (`fresh: false`), or, when missing or `refresh` is asked for, the state brought
   * up to the stream's head by reading the events committed since (`fresh: true`). A stream
   * expected new and not cached is taken as empty, unread (`fresh: false`: the append checks it).
   */
  private async currentState(streamId: string, refresh: boolean, expectNew = false): Promise<CachedState<State> & { fresh: boolean }> {
    const cached = this.cache.get(streamId);
    if (cached && !refresh) return { ...cached, fresh: false };
    if (!cached && !refresh && expectNew) return { state: this.decider.initialState(), version: 0, fresh: false };
    const base = cached ??
      (await this.snapshots?.load(this.dataSource.manager, streamId)) ?? { state: this.decider.initialState(), version: 0 };
    return this.catchUp(streamId, base);
  }

  private async catchUp(streamId: string, base: CachedState<State>): Promise<CachedState<State> & { fresh: true }> {
    const newer = await this.store.readStream<E>(this.dataSource.manager, streamId, base.version);
    const current = {
      state: fold(this.decider, newer, base.state),
      version: newer.at(-1)?.streamVersion ?? base.version,
    };
    this.cache.set(streamId, current);
    return { ...current, fresh: true };
  }
}
