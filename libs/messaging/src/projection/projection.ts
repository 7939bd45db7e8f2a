import { Consumer, ContractEvent, EventTypeOf, Producer, queueName } from '@app/contracts';
import { EntityManager } from 'typeorm';

/** The statement of one event, run in the consumer's transaction. */
export type EachStatement<E> = (manager: EntityManager, event: E) => Promise<unknown>;

/**
 * The statement of a run of consecutive events, written at once where that was measured to matter.
 * A run may hold several events of one stream, in delivery order: the statement must give the rows
 * that applying them one by one would (projectionSpec checks both ways).
 */
export interface BatchStatement<E> {
  batch(manager: EntityManager, events: readonly E[]): Promise<unknown>;
}

export type Statement<E> = EachStatement<E> | BatchStatement<E>;

/** Event type → statement, typed from the producer's contract: a type it does not publish fails to compile. */
export type Statements<P extends Producer> = { [T in EventTypeOf<P>]?: Statement<ContractEvent<P, T>> };

/**
 * A read model as one declarative table: which producer's events feed it on which consumer's queue,
 * the tables it alone writes (dropped on a rebuild), and one statement per event type. Types without
 * a statement are skipped. Types that share one statement object share its batches.
 */
export interface Projection<P extends Producer = Producer> {
  name: string;
  consumer: Consumer;
  producer: P;
  tables: readonly string[];
  statements: Statements<P>;
}

/** Declares a projection (an identity that gives `statements` their contract types). */
export const defineProjection = <P extends Producer>(projection: Projection<P>): Projection<P> => projection;

/** The queue a projection is fed from, `<consumer>.<producer>-events`. */
export const projectionQueue = (projection: Projection): string => queueName(projection.consumer, projection.producer);

export const isBatchStatement = <E>(statement: Statement<E>): statement is BatchStatement<E> => typeof statement !== 'function';

/** One statement with the event types it serves. */
export interface StatementGroup {
  types: string[];
  batch: boolean;
  /** Applies the payload the transport hands over: one event, or a run of them for a batch statement. */
  apply(manager: EntityManager, payload: unknown): Promise<unknown>;
}

/** The projection's statements grouped by identity, each with its types, as the transport registers them. */
export function statementGroups(projection: Projection): StatementGroup[] {
  const groups = new Map<Statement<never>, StatementGroup>();
  for (const [type, statement] of Object.entries(projection.statements as Record<string, Statement<never> | undefined>)) {
    if (!statement) continue;
    const group = groups.get(statement);
    if (group) {
      group.types.push(type);
      continue;
    }
    groups.set(statement, {
      types: [type],
      batch: isBatchStatement(statement),
      apply: isBatchStatement(statement)
        ? (manager, payload) => statement.batch(manager, payload as never[])
        : (manager, payload) => statement(manager, payload as never),
    });
  }
  return [...groups.values()];
}
