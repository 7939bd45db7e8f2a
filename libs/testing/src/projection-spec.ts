import { EventData, EventEnvelope, EventTypeOf, Producer, currentSchemaVersion } from '@app/contracts';
import {
  DeliveredEvent,
  Delivery,
  Projection,
  StatementGroup,
  handlerRuns,
  parseEnvelope,
  projectionQueue,
  statementGroups,
} from '@app/messaging';
import { MessageHandler } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager, MigrationInterface } from 'typeorm';
import { ensureTestDatabase, storeDdl, testDatabaseUrl, uniqueSuffix } from './fixtures';

type Row = Record<string, unknown>;

/** What a spec says of one event; `given` fills in the rest of the envelope. */
export interface GivenEvent {
  type: string;
  data: unknown;
  at: Partial<Pick<EventEnvelope, 'streamId' | 'streamVersion' | 'occurredAt' | 'eventId'>>;
}

export interface ProjectionSpecOptions {
  /** The service's migrations that lay the projection's tables, run after its event store's DDL. */
  migrations: (new () => MigrationInterface)[];
}

const idOf = (data: unknown): string => {
  const { id, checkoutId, assessmentId } = data as Record<string, unknown>;
  return String(id ?? checkoutId ?? assessmentId ?? 'stream');
};

/** Complete envelopes, checked at the door as a consumer checks them; each stream's versions count 1, 2, … */
function envelopesOf(producer: Producer, events: readonly GivenEvent[]): EventEnvelope[] {
  const versions = new Map<string, number>();
  return events.map(({ type, data, at }, i) => {
    const streamId = at.streamId ?? `${producer}-${idOf(data)}`;
    const streamVersion = at.streamVersion ?? (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    const envelope = {
      eventId: at.eventId ?? randomUUID(),
      type,
      schemaVersion: currentSchemaVersion(producer, type),
      streamId,
      streamVersion,
      globalPosition: String(i + 1),
      occurredAt: at.occurredAt ?? new Date(Date.UTC(2026, 0, 1, 10, 0, i)).toISOString(),
      data,
      metadata: {},
    };
    return parseEnvelope(Buffer.from(JSON.stringify(envelope)), producer);
  });
}

/** Applies events the way the transport does: consecutive events of one batch statement in one call. */
async function apply(projection: Projection, manager: EntityManager, envelopes: readonly EventEnvelope[]): Promise<void> {
  const groups = new Map<MessageHandler, StatementGroup>();
  const byType = new Map<string, MessageHandler>();
  for (const group of statementGroups(projection)) {
    const handler = Object.assign(async () => undefined, { extras: { eventBatch: group.batch } }) as unknown as MessageHandler;
    groups.set(handler, group);
    for (const type of group.types) byType.set(type, handler);
  }
  const delivery = { queue: projectionQueue(projection), manager, attempt: 1 } as Delivery;
  const delivered: DeliveredEvent[] = envelopes.map((envelope) => ({ envelope, delivery }));
  for (const run of handlerRuns(delivered, (envelope) => byType.get(envelope.type) ?? null)) {
    const group = groups.get(run.handler)!;
    const payloads = run.events.map((event) => event.envelope);
    await group.apply(manager, group.batch ? payloads : payloads[0]);
  }
}

/**
 * Given/when/then for a projection, on a real PostgreSQL database of its own laid by the service's
 * migrations: `spec.given([spec.event('AccountOpened', {...})]).thenRows('fraud.account_profiles', [...])`.
 * Each `thenRows` applies the events twice from empty tables: all in one transaction, as one batch
 * of the consumer (several events of one stream included), and each in a transaction of its own; both
 * must give the rows expected. Rows are compared as `row_to_json` gives them (bigint as a number,
 * timestamptz as an ISO string in UTC), each expected row naming only the columns it asserts.
 * Call it in a `describe`: it creates the database before the specs and drops it after them.
 */
export function projectionSpec<P extends Producer>(projection: Projection<P>, options: ProjectionSpecOptions) {
  const base = new URL(testDatabaseUrl());
  const database = `projection_${projection.name.toLowerCase()}_${uniqueSuffix()}`;
  let dataSource: DataSource;

  const admin = async (statement: string) => {
    const url = new URL(base.toString());
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await ensureTestDatabase();
    await admin(`CREATE DATABASE "${database}" TEMPLATE template0`);
    const url = new URL(base.toString());
    url.pathname = `/${database}`;
    dataSource = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 2, options: '-c TimeZone=UTC' } });
    await dataSource.initialize();
    for (const statement of storeDdl(projection.consumer)) await dataSource.query(statement);
    const runner = dataSource.createQueryRunner();
    try {
      for (const Migration of options.migrations) await new Migration().up(runner);
    } finally {
      await runner.release();
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  const rowsOf = async (table: string): Promise<Row[]> =>
    (await dataSource.query(`SELECT row_to_json(t) AS row FROM ${table} t`)).map((r: { row: Row }) => r.row);

  const fromEmpty = async (run: (manager: EntityManager) => Promise<void>) => {
    await dataSource.query(`TRUNCATE ${projection.tables.join(', ')}`);
    await run(dataSource.manager);
  };

  return {
    /** One event of the projection's producer, typed from its contract; `at` overrides envelope fields. */
    event<T extends EventTypeOf<P>>(type: T, data: EventData<P, T>, at: GivenEvent['at'] = {}): GivenEvent {
      return { type, data, at };
    },

    given(events: readonly GivenEvent[]) {
      const envelopes = envelopesOf(projection.producer, events);
      const asOneBatch = () => fromEmpty(() => dataSource.transaction((manager) => apply(projection, manager, envelopes)));
      const oneByOne = () =>
        fromEmpty(async () => {
          for (const envelope of envelopes) await dataSource.transaction((manager) => apply(projection, manager, [envelope]));
        });
      return {
        /** Asserts the rows of `table` (the projection's first table by default): exactly these many, each with these columns. */
        async thenRows(tableOrRows: string | Row[], expectedRows?: Row[]): Promise<void> {
          const [table, expected] = typeof tableOrRows === 'string' ? [tableOrRows, expectedRows!] : [projection.tables[0], tableOrRows];
          for (const [how, run] of [
            ['as one batch', asOneBatch],
            ['one by one', oneByOne],
          ] as const) {
            await run();
            const rows = await rowsOf(table);
            const matching = expected.map((row) => expect.objectContaining(row) as Row);
            try {
              expect(rows).toHaveLength(expected.length);
              expect(rows).toEqual(expect.arrayContaining(matching));
            } catch (error) {
              (error as Error).message = `${table}, events applied ${how}:\n${(error as Error).message}`;
              throw error;
            }
          }
        },
        /** Asserts that applying the events fails with this message, as the consumer would retry or dead-letter it. */
        async thenFails(message: string | RegExp): Promise<void> {
          await expect(asOneBatch()).rejects.toThrow(message);
        },
      };
    },
  };
}
