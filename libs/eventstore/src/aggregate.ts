import { Command, Decider, Message } from '@app/domain';
import { DataSource } from 'typeorm';
import { CommandPath, CommandResult, ExecuteCall } from './command-path';
import { CommitSignal } from './commit-signal';
import { NewStreamPath } from './new-stream-path';
import { RecordedOf } from './recorded-event';
import { SnapshotPolicy } from './snapshot-store';
import { CachedState } from './state-cache';

/**
 * How an aggregate's streams are written. `evolving`: a stream lives long and takes many commands
 * (cached state, group commit, snapshots). `new-stream`: a stream is written once, when it does not
 * exist yet; asking again decides against what was recorded, so a repeat answers it.
 */
export type WriteMode = 'evolving' | 'new-stream';

/** The decider itself, or a factory of it taking the providers named in `inject`, in order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the factory's parameters are whatever its providers are
export type DeciderSource<State, C extends Command, E extends Message> = Decider<State, C, E> | ((...deps: any[]) => Decider<State, C, E>);

interface DefinitionFields<State, C extends Command, E extends Message> {
  /** Names the aggregate in its injection token. */
  name: string;
  decider: DeciderSource<State, C, E>;
  /** Injection tokens of the providers a decider factory takes. */
  inject?: readonly (string | symbol | (abstract new (...args: never[]) => unknown))[];
  /** The stream that holds the aggregate with this id. */
  streamId(id: string): string;
}

export interface EvolvingFields<State, C extends Command, E extends Message> extends DefinitionFields<State, C, E> {
  mode?: 'evolving';
  snapshots?: SnapshotPolicy<State>;
  cacheSize?: number;
}

export interface NewStreamFields<State, C extends Command, E extends Message> extends DefinitionFields<State, C, E> {
  mode: 'new-stream';
}

/** One aggregate, registered once: what every service needs to write it (see `provideAggregate`). */
export type AggregateDefinition<State, C extends Command, E extends Message, M extends WriteMode = WriteMode> = (M extends 'new-stream'
  ? NewStreamFields<State, C, E>
  : EvolvingFields<State, C, E>) & {
  /** The token its write path is provided under. */
  readonly token: symbol;
  /** Never set: carries the aggregate's types into `AggregateOf`. */
  readonly types?: { state: State; command: C; event: E };
};

/** Registers an aggregate: its decider, its stream ids and how its streams are written. */
export function defineAggregate<State, C extends Command, E extends Message>(
  fields: NewStreamFields<State, C, E>,
): AggregateDefinition<State, C, E, 'new-stream'>;
export function defineAggregate<State, C extends Command, E extends Message>(
  fields: EvolvingFields<State, C, E>,
): AggregateDefinition<State, C, E, 'evolving'>;
export function defineAggregate<State, C extends Command, E extends Message>(
  fields: EvolvingFields<State, C, E> | NewStreamFields<State, C, E>,
): AggregateDefinition<State, C, E> {
  return { ...fields, token: Symbol(`Aggregate(${fields.name})`) } as AggregateDefinition<State, C, E>;
}

/**
 * The write path of an evolving aggregate, addressed by aggregate id: load → decide → append with
 * the expected version, deciding again on a conflict (CommandPath).
 */
export class Aggregate<State, C extends Command, E extends Message> {
  constructor(
    private readonly path: CommandPath<State, C, E>,
    /** The stream that holds the aggregate with this id. */
    readonly streamId: (id: string) => string,
  ) {}

  /** Decides `command` against the aggregate's current state and appends the resulting events. */
  execute(id: string, command: C, call?: ExecuteCall): Promise<CommandResult<State>> {
    return this.path.execute(this.streamId(id), command, call);
  }

  /** The aggregate's state as of its latest committed event. */
  load(id: string): Promise<CachedState<State>> {
    return this.path.load(this.streamId(id));
  }

  /** The aggregate's recorded events after `afterVersion`, in version order, at most `limit` of them. */
  readStream(id: string, afterVersion = 0, limit?: number): Promise<RecordedOf<E>[]> {
    return this.path.readStream(this.streamId(id), afterVersion, limit);
  }
}

/** The write path a definition is provided as. */
export type AggregateOf<D> = D extends { types?: { state: infer State; command: infer C extends Command; event: infer E extends Message } }
  ? D extends { mode: 'new-stream' }
    ? NewStreamPath<State, C, E>
    : Aggregate<State, C, E>
  : never;

export interface AggregateWiring {
  /** The schema whose event table holds the streams: the service's. */
  schema: string;
  /** The service's commit signal, shared with its relay. */
  signal?: CommitSignal;
  /** The providers a decider factory takes, in the order of `inject`. */
  deps?: unknown[];
}

/** The write path of `definition` on `dataSource`; in a service, `provideAggregate` does this. */
export function createAggregate<State, C extends Command, E extends Message>(
  definition: AggregateDefinition<State, C, E, 'new-stream'>,
  dataSource: DataSource,
  wiring: AggregateWiring,
): NewStreamPath<State, C, E>;
export function createAggregate<State, C extends Command, E extends Message>(
  definition: AggregateDefinition<State, C, E, 'evolving'>,
  dataSource: DataSource,
  wiring: AggregateWiring,
): Aggregate<State, C, E>;
export function createAggregate<State, C extends Command, E extends Message>(
  definition: AggregateDefinition<State, C, E>,
  dataSource: DataSource,
  wiring: AggregateWiring,
): Aggregate<State, C, E> | NewStreamPath<State, C, E>;
export function createAggregate<State, C extends Command, E extends Message>(
  definition: AggregateDefinition<State, C, E>,
  dataSource: DataSource,
  { schema, signal, deps = [] }: AggregateWiring,
): Aggregate<State, C, E> | NewStreamPath<State, C, E> {
  const decider = typeof definition.decider === 'function' ? definition.decider(...deps) : definition.decider;
  if (definition.mode === 'new-stream') {
    return new NewStreamPath<State, C, E>(dataSource, { schema, decider, signal, streamId: definition.streamId });
  }
  const path = new CommandPath<State, C, E>(dataSource, {
    schema,
    decider,
    signal,
    snapshots: definition.snapshots,
    cacheSize: definition.cacheSize,
  });
  return new Aggregate(path, definition.streamId);
}
