import { KeyedSerialQueue } from '@app/async';
import { Command, Decider, DomainError, Message, fold } from '@app/domain';
import { DataSource, EntityManager } from 'typeorm';
import { eventMetadataOf } from './command-metadata';
import { CommandResult } from './command-path';
import { CommitSignal } from './commit-signal';
import { EventStore, WrongExpectedVersionError } from './event-store';

export interface NewStreamPathOptions<State, C extends Command, E extends Message> {
  schema: string;
  decider: Decider<State, C, E>;
  streamId(id: string): string;
  signal?: CommitSignal;
}

/** A command, or one built inside the deciding transaction from what it reads there (a read model). */
export type CommandSource<C> = C | ((reader: EntityManager) => Promise<C>);

export interface NewStreamCall {
  /**
   * Commands with the same key are decided one at a time, in every process (a transaction-scoped
   * advisory lock on the key, and a queue in this one), so that each sees what the others recorded.
   */
  serializeBy?: string;
}

// A conflict means the stream now exists, and deciding against it appends nothing: two attempts always suffice.
const ATTEMPTS = 2;

/**
 * The write path of a `new-stream` aggregate (streams written once, such as one-event records):
 * in one transaction, read the stream, decide, and append only at version 0. A stream that exists
 * is decided against as it was recorded, so a repeat answers the recorded outcome (or the decider
 * refuses it); a rival that appended first makes the append fail on (stream_id, stream_version),
 * and the command is decided again against its stream. No state is cached: each stream is used once.
 */
export class NewStreamPath<State, C extends Command, E extends Message> {
  private readonly store: EventStore;
  private readonly signal: CommitSignal;
  private readonly decider: Decider<State, C, E>;
  private readonly keys = new KeyedSerialQueue();
  /** The stream that holds the aggregate with this id. */
  readonly streamId: (id: string) => string;

  constructor(
    private readonly dataSource: DataSource,
    options: NewStreamPathOptions<State, C, E>,
  ) {
    this.store = new EventStore(options.schema);
    this.signal = options.signal ?? new CommitSignal(dataSource, options.schema);
    this.decider = options.decider;
    this.streamId = options.streamId;
  }

  /** Decides the command against the aggregate's stream (empty if new) and appends its events to a new stream only. */
  execute(id: string, command: CommandSource<C>, call: NewStreamCall = {}): Promise<CommandResult<State>> {
    const run = () => this.decideWithRetry(id, command, call.serializeBy);
    // Within this process, commands of one key wait in memory rather than each holding a pooled connection.
    return call.serializeBy === undefined ? run() : this.keys.run(call.serializeBy, run);
  }

  private async decideWithRetry(id: string, command: CommandSource<C>, serializeBy?: string): Promise<CommandResult<State>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.decideOnce(id, command, serializeBy);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt >= ATTEMPTS) throw new DomainError('conflict', 'CONCURRENCY_CONFLICT', `Stream ${error.streamId} is too busy; retry`);
      }
    }
  }

  private async decideOnce(id: string, source: CommandSource<C>, serializeBy?: string): Promise<CommandResult<State>> {
    const streamId = this.streamId(id);
    let appended = false;
    const result = await this.dataSource.transaction(async (manager) => {
      if (serializeBy !== undefined) await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [serializeBy]);
      const recorded = await this.store.readStream<E>(manager, streamId);
      const state = fold(this.decider, recorded);
      const version = recorded.at(-1)?.streamVersion ?? 0;
      const command = typeof source === 'function' ? await (source as (reader: EntityManager) => Promise<C>)(manager) : source;
      const decided = this.decider.decide(command, state);
      if (decided.length === 0) return { events: [], state, version };
      if (version > 0) throw new Error(`Stream ${streamId} exists: a new-stream aggregate appends to new streams only`);
      const metadata = eventMetadataOf(command);
      const events = await this.store.append(
        manager,
        streamId,
        0,
        decided.map((event) => ({ type: event.type, data: event.data, metadata })),
      );
      appended = true;
      return { events, state: fold(this.decider, decided, state), version: decided.length };
    });
    if (appended) this.signal.committed();
    return result;
  }
}
