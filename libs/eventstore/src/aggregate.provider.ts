import { Command, Message } from '@app/domain';
import { Inject, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AggregateDefinition, createAggregate } from './aggregate';
import { CommitSignal } from './commit-signal';

/**
 * Provides the aggregate's write path in a service: on the service's database and schema, with its
 * commit signal, and the decider built from the providers the definition names.
 */
export function provideAggregate<State, C extends Command, E extends Message>(definition: AggregateDefinition<State, C, E>): Provider {
  return {
    provide: definition.token,
    inject: [getDataSourceToken(), CommitSignal, ...(definition.inject ?? [])],
    useFactory: (dataSource: DataSource, signal: CommitSignal, ...deps: unknown[]) =>
      createAggregate(definition, dataSource, { schema: signal.schema, signal, deps }),
  };
}

/** Injects the write path `provideAggregate` provides; type it `AggregateOf<typeof definition>`. */
export const InjectAggregate = (definition: { token: symbol }) => Inject(definition.token);
