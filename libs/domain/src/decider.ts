/** Who asked for a command, when, and why: supplied by the edge so deciders stay pure. */
export interface CommandMetadata {
  /** The moment the command is decided at, as an ISO-8601 string. */
  now: string;
  actor?: string;
  correlationId?: string;
  causationId?: string;
}

/** A command or an event: a plain tagged value, never a class. */
export interface Message<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Command<Type extends string = string, Data = unknown> extends Message<Type, Data> {
  metadata: CommandMetadata;
}

/**
 * The pure heart of an aggregate: `decide` turns a command and the current state into events,
 * `evolve` folds one event into the state. Neither does I/O, reads the clock or makes ids.
 */
export interface Decider<State, C extends Command, E extends Message> {
  initialState(): State;
  decide(command: C, state: State): E[];
  evolve(state: State, event: E): State;
}

/** Rebuilds state from a list of events. */
export const fold = <State, E extends Message>(
  decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>,
  events: readonly E[],
  from: State = decider.initialState(),
): State => events.reduce((state, event) => decider.evolve(state, event), from);

/** Ends an exhaustive switch: a missing case becomes a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
