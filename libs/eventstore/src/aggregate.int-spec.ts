import { Command, Decider, DomainError } from '@app/domain';
import { eventually, freshEventStore, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { DataSource, EntityManager } from 'typeorm';
import { createAggregate, defineAggregate } from './aggregate';

type Counter = { total: number };
type Add = Command<'Add', { amount: number }>;
type Added = { type: 'Added'; data: { amount: number } };

/** A decider built from a dependency, as a service's is from its configuration. */
const counterDecider = (cap: number): Decider<Counter, Add, Added> => ({
  initialState: () => ({ total: 0 }),
  decide: ({ data }, { total }) => {
    if (total + data.amount > cap) throw new DomainError('limit', 'CAP_EXCEEDED', `${total} + ${data.amount} > ${cap}`);
    return [{ type: 'Added', data }];
  },
  evolve: ({ total }, { data }) => ({ total: total + data.amount }),
});

const counters = defineAggregate({ name: 'counter', decider: counterDecider, streamId: (id: string) => `counter-${id}` });

/** A one-event record: the first request decides it, a repeat answers it, a different request is refused. */
type Ticket = { issued?: { owner: string; seat: string; by: string; ownerTicketsBefore: number } };
type Issue = Command<'Issue', { owner: string; seat: string; by: string; ownerTicketsBefore: number }>;
type Issued = { type: 'Issued'; data: Issue['data'] };

const ticketDecider: Decider<Ticket, Issue, Issued> = {
  initialState: () => ({}),
  decide: ({ data }, { issued }) => {
    if (!issued) return [{ type: 'Issued', data }];
    if (issued.owner === data.owner && issued.seat === data.seat) return [];
    throw new DomainError('conflict', 'TICKET_CONFLICT', `already issued to ${issued.owner}`);
  },
  evolve: (_state, event) => ({ issued: event.data }),
};

const tickets = defineAggregate({ name: 'ticket', mode: 'new-stream', decider: ticketDecider, streamId: (id: string) => `ticket-${id}` });

const metadata = (actor: string) => ({ now: new Date(0).toISOString(), actor, correlationId: `c-${actor}` });

describe('the registered write path against PostgreSQL', () => {
  let schema: string;
  let seed: DataSource;
  const processes: DataSource[] = [];

  /** Another process: its own pool, and its own write path (own cache and queues). */
  const process = async () => {
    const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { max: 4 } });
    await dataSource.initialize();
    processes.push(dataSource);
    return dataSource;
  };

  beforeAll(async () => {
    ({ schema, dataSource: seed } = await freshEventStore('aggregate'));
  });

  afterAll(async () => {
    for (const dataSource of processes) await dataSource.destroy();
    await seed?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await seed?.destroy();
  });

  const rows = (streamId: string): Promise<{ type: string; data: unknown; metadata: unknown }[]> =>
    seed.query(`SELECT type, data, metadata FROM "${schema}".events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);

  describe('an evolving aggregate', () => {
    it('decides again on the state another process moved the stream to, and records the command metadata without its time', async () => {
      const first = createAggregate(counters, await process(), { schema, deps: [10] });
      const second = createAggregate(counters, await process(), { schema, deps: [10] });
      const id = uniqueSuffix();
      await first.execute(id, { type: 'Add', data: { amount: 4 }, metadata: metadata('first') });
      // `second` appends behind the back of `first`, whose cache still says version 1.
      await second.execute(id, { type: 'Add', data: { amount: 4 }, metadata: metadata('second') });

      const third = await first.execute(id, { type: 'Add', data: { amount: 2 }, metadata: metadata('first') });
      expect(third).toMatchObject({ state: { total: 10 }, version: 3 });
      await expect(first.execute(id, { type: 'Add', data: { amount: 1 }, metadata: metadata('first') })).rejects.toMatchObject({
        code: 'CAP_EXCEEDED',
      });
      expect(await rows(counters.streamId(id))).toEqual([
        { type: 'Added', data: { amount: 4 }, metadata: { actor: 'first', correlationId: 'c-first' } },
        { type: 'Added', data: { amount: 4 }, metadata: { actor: 'second', correlationId: 'c-second' } },
        { type: 'Added', data: { amount: 2 }, metadata: { actor: 'first', correlationId: 'c-first' } },
      ]);
    });
  });

  describe('a new-stream aggregate', () => {
    const issue = (owner: string, seat: string, by: string, ownerTicketsBefore = 0): Issue => ({
      type: 'Issue',
      data: { owner, seat, by, ownerTicketsBefore },
      metadata: metadata(by),
    });

    /** Lets every caller through once `parties` have arrived: both writers then read the stream before either appends. */
    const barrier = (parties: number) => {
      let arrived = 0;
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return async () => {
        if (++arrived >= parties) open();
        await opened;
      };
    };

    it('records one event when two processes race to create a stream, and both answer it', async () => {
      const [first, second] = [
        createAggregate(tickets, await process(), { schema }),
        createAggregate(tickets, await process(), { schema }),
      ];
      const id = uniqueSuffix();
      const bothRead = barrier(2);
      let decisions = 0;
      const racing = (by: string) => async () => {
        decisions++;
        await bothRead();
        return issue('ada', '12A', by);
      };

      const answers = await Promise.all([first.execute(id, racing('first')), second.execute(id, racing('second'))]);

      const recorded = await rows(tickets.streamId(id));
      expect(recorded).toHaveLength(1);
      const winner = (recorded[0].data as Issue['data']).by;
      expect(answers.map((answer) => answer.state.issued?.by)).toEqual([winner, winner]);
      expect(answers.map((answer) => answer.events.length).sort()).toEqual([0, 1]);
      // The loser's append failed on the stream version, and it decided again against the winner's event.
      expect(decisions).toBe(3);
    });

    it('answers a repeat with the recorded decision and refuses a different one, appending nothing', async () => {
      const tickets_ = createAggregate(tickets, await process(), { schema });
      const id = uniqueSuffix();
      await tickets_.execute(id, issue('ada', '12A', 'first'));

      const repeat = await tickets_.execute(id, issue('ada', '12A', 'again'));
      expect(repeat).toMatchObject({ events: [], version: 1, state: { issued: { by: 'first' } } });
      await expect(tickets_.execute(id, issue('grace', '12A', 'other'))).rejects.toMatchObject({ code: 'TICKET_CONFLICT' });
      expect(await rows(tickets.streamId(id))).toHaveLength(1);
    });

    it('decides commands of one key one at a time across processes, each seeing what the others recorded', async () => {
      const [first, second] = [
        createAggregate(tickets, await process(), { schema }),
        createAggregate(tickets, await process(), { schema }),
      ];
      const owner = `owner-${uniqueSuffix()}`;
      const key = `tickets:${owner}`;
      const ownerTickets = async (reader: EntityManager): Promise<number> =>
        Number((await reader.query(`SELECT count(*) AS n FROM "${schema}".events WHERE data->>'owner' = $1`, [owner]))[0].n as string);
      // Waits, after reading, until the other writer has read too (no serialization) or waits for the key's lock.
      const arrived = new Set<string>();
      const otherWaitsForKey = async () =>
        (
          await seed.query(
            `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
                AND classid::bigint = (hashtextextended($1, 0) >> 32) & 4294967295
                AND objid::bigint = hashtextextended($1, 0) & 4294967295`,
            [key],
          )
        ).length > 0;
      const counting = (by: string) => async (reader: EntityManager) => {
        const before = await ownerTickets(reader);
        arrived.add(by);
        await eventually(async () => arrived.size === 2 || (await otherWaitsForKey()));
        return issue(owner, by, by, before);
      };

      await Promise.all([
        first.execute(uniqueSuffix(), counting('first'), { serializeBy: key }),
        second.execute(uniqueSuffix(), counting('second'), { serializeBy: key }),
      ]);

      const seen: { n: number }[] = await seed.query(
        `SELECT (data->>'ownerTicketsBefore')::int AS n FROM "${schema}".events WHERE data->>'owner' = $1 ORDER BY global_position`,
        [owner],
      );
      expect(seen.map((row) => row.n)).toEqual([0, 1]);
    });
  });
});
