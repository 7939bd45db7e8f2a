import { Command, Decider, DomainError, fold } from '@app/domain';
import { freshEventStore, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CommandPath, CommandPathOptions, CommandResult } from './command-path';
import { eventsChannel } from './event-store.migration';

interface Wallet {
  balance: number;
  restoredFrom?: string;
}
type WalletCommand = Command<'Deposit' | 'Withdraw', { amount: number }>;
type WalletEvent = { type: 'Deposited' | 'Withdrawn'; data: { amount: number } };

const wallet: Decider<Wallet, WalletCommand, WalletEvent> = {
  initialState: () => ({ balance: 0 }),
  decide: (command, state) => {
    if (command.type === 'Withdraw' && command.data.amount > state.balance) {
      throw new DomainError('rule', 'INSUFFICIENT_FUNDS', `balance ${state.balance} < ${command.data.amount}`);
    }
    return [{ type: command.type === 'Deposit' ? 'Deposited' : 'Withdrawn', data: command.data }];
  },
  evolve: (state, event) => ({
    ...state,
    balance: state.balance + (event.type === 'Deposited' ? event.data.amount : -event.data.amount),
  }),
};

const command = (type: WalletCommand['type'], amount: number, actor: string): WalletCommand => ({
  type,
  data: { amount },
  metadata: { now: new Date(0).toISOString(), actor },
});

describe('CommandPath against PostgreSQL', () => {
  let schema: string;
  let seed: DataSource;
  const extra: DataSource[] = [];

  /** A second process is simulated by its own DataSource (own pool) and its own CommandPath (own cache and queue). */
  const instance = async (options: Partial<CommandPathOptions<Wallet, WalletCommand, WalletEvent>> = {}) => {
    const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { max: 4 } });
    await dataSource.initialize();
    extra.push(dataSource);
    return new CommandPath<Wallet, WalletCommand, WalletEvent>(dataSource, { schema, decider: wallet, ...options });
  };

  beforeAll(async () => {
    ({ schema, dataSource: seed } = await freshEventStore());
  });

  afterAll(async () => {
    for (const dataSource of extra) await dataSource.destroy();
    await seed?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await seed?.destroy();
  });

  it('lets two processes hammer one stream without a lost update, each command answered on its own', async () => {
    const [first, second] = [await instance(), await instance()];
    const streamId = `wallet-${uniqueSuffix()}`;
    // Commands trickle in, a few at a time, so both processes keep appending in small batches.
    const send = async (path: typeof first, actor: string) => {
      const pending: Promise<PromiseSettledResult<CommandResult<Wallet>>>[] = [];
      for (let i = 0; i < 80; i++) {
        const next = i % 3 === 2 ? command('Withdraw', 25, actor) : command('Deposit', 10, actor);
        pending.push(
          path.execute(streamId, next).then(
            (value) => ({ status: 'fulfilled' as const, value }),
            (reason: unknown) => ({ status: 'rejected' as const, reason }),
          ),
        );
        if (i % 2 === 1) await new Promise((r) => setTimeout(r, Math.random() * 4));
      }
      return Promise.all(pending);
    };
    const outcomes = (await Promise.all([send(first, 'first'), send(second, 'second')])).flat();

    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(failures.every((e) => e instanceof DomainError && e.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value as CommandResult<Wallet>] : []));
    expect(results.length + failures.length).toBe(160);

    const events = await first.readStream(streamId);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: results.length }, (_, i) => i + 1));
    // No lost update: the stream never overdraws, and every answer is the state right after its own event.
    let balance = 0;
    const balanceAt = new Map<number, number>();
    for (const event of events) {
      balance += event.type === 'Deposited' ? (event.data as { amount: number }).amount : -(event.data as { amount: number }).amount;
      expect(balance).toBeGreaterThanOrEqual(0);
      balanceAt.set(event.streamVersion, balance);
    }
    for (const result of results) expect(result.state.balance).toBe(balanceAt.get(result.version));
    expect(new Set(results.map((r) => r.version)).size).toBe(results.length);
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.metadata.actor))).toEqual(new Set(['first', 'second']));
    expect((await (await instance()).load(streamId)).state.balance).toBe(balance);
  });

  it('decides again on the fresh state when another process appended after its cached state', async () => {
    const [stale, other] = [await instance(), await instance()];
    const streamId = `wallet-${uniqueSuffix()}`;
    await stale.execute(streamId, command('Deposit', 10, 'stale'));
    await other.execute(streamId, command('Withdraw', 10, 'other'));
    // `stale` still caches balance 10 at version 1: deciding on it would allow this withdrawal.
    await expect(stale.execute(streamId, command('Withdraw', 10, 'stale'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const result = await stale.execute(streamId, command('Deposit', 3, 'stale'));
    expect(result).toMatchObject({ version: 3, state: { balance: 3 } });
  });

  it('decides a command expected new on the empty state without reading the stream', async () => {
    const path = await instance();
    const streamId = `wallet-${uniqueSuffix()}`;
    const reads = jest.spyOn(
      (path as unknown as { store: { readStream: (...args: unknown[]) => Promise<unknown[]> } }).store,
      'readStream',
    );
    const result = await path.execute(streamId, command('Deposit', 5, 'new'), { expectNew: true });
    expect(result).toMatchObject({ version: 1, state: { balance: 5 } });
    expect(reads).not.toHaveBeenCalled();
  });

  it('decides again on the recorded state when a stream expected new exists after all', async () => {
    const [path, other] = [await instance(), await instance()];
    const streamId = `wallet-${uniqueSuffix()}`;
    await other.execute(streamId, command('Deposit', 10, 'other'));
    // Taken as empty, a deposit would be appended at version 1 over the other's: the append refuses it.
    const result = await path.execute(streamId, command('Deposit', 3, 'new'), { expectNew: true });
    expect(result).toMatchObject({ version: 2, state: { balance: 13 } });
    expect((await path.readStream(streamId)).map((e) => e.metadata.actor)).toEqual(['other', 'new']);
  });

  it('reads the stream before refusing a command expected new that the empty state would refuse', async () => {
    const [path, other] = [await instance(), await instance()];
    const streamId = `wallet-${uniqueSuffix()}`;
    await other.execute(streamId, command('Deposit', 10, 'other'));
    // Taken as empty, this withdrawal is refused and appends nothing, which no version would check.
    const result = await path.execute(streamId, command('Withdraw', 4, 'new'), { expectNew: true });
    expect(result).toMatchObject({ version: 2, state: { balance: 6 } });
  });

  it('answers each command of a group commit on its own: a rejected one does not sink the others', async () => {
    const path = await instance();
    const streamId = `wallet-${uniqueSuffix()}`;
    const outcomes = await Promise.allSettled([
      path.execute(streamId, command('Deposit', 5, 'a')),
      path.execute(streamId, command('Withdraw', 50, 'b')),
      path.execute(streamId, command('Deposit', 7, 'c')),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.version : (o.reason as DomainError).code))).toEqual([
      1,
      'INSUFFICIENT_FUNDS',
      2,
    ]);
    expect((await path.readStream(streamId)).map((e) => e.metadata.actor)).toEqual(['a', 'c']);
  });

  it('writes single events of many streams in shared statements, each command answered on its own', async () => {
    const [path, rival] = [await instance(), await instance()];
    const run = uniqueSuffix();
    const streams = Array.from({ length: 200 }, (_, i) => `wallet-g${run}-${i}`);
    // The first stream moves on behind `path`'s back, so its append in the group must fail alone and be decided again.
    await path.execute(streams[0], command('Deposit', 10, 'path'));
    await rival.execute(streams[0], command('Withdraw', 10, 'rival'));

    const results = await Promise.all(streams.map((streamId) => path.execute(streamId, command('Deposit', 1, 'burst'))));
    expect(results[0]).toMatchObject({ version: 3, state: { balance: 1 } });
    expect(results.slice(1).every((result) => result.version === 1 && result.state.balance === 1)).toBe(true);
    const [{ statements, events }] = await seed.query(
      `SELECT count(DISTINCT transaction_id)::int AS statements, count(*)::int AS events
         FROM "${schema}".events WHERE stream_id LIKE $1 AND metadata->>'actor' = 'burst'`,
      [`wallet-g${run}-%`],
    );
    expect(events).toBe(200);
    expect(statements).toBeLessThan(100);
  });

  it('fails only the append the database refuses when it shares a statement with 20 others', async () => {
    const path = await instance();
    const run = uniqueSuffix();
    // The first append goes out alone; the 21 that arrive while it is written share the next statement.
    const first = path.execute(`wallet-b${run}-first`, command('Deposit', 1, 'first'));
    const unstorable = { ...command('Deposit', 1, 'bad'), data: { amount: 1, note: 'nul \u0000 here' } } as WalletCommand;
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => path.execute(`wallet-b${run}-${i}`, command('Deposit', 1, 'good'))),
      path.execute(`wallet-b${run}-bad`, unstorable),
      ...Array.from({ length: 10 }, (_, i) => path.execute(`wallet-b${run}-${10 + i}`, command('Deposit', 1, 'good'))),
    ]);
    await first;

    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(10).fill('fulfilled'), 'rejected', ...Array(10).fill('fulfilled')]);
    const [{ good, bad }] = await seed.query(
      `SELECT count(*) FILTER (WHERE metadata->>'actor' = 'good')::int AS good, count(*) FILTER (WHERE metadata->>'actor' = 'bad')::int AS bad
         FROM "${schema}".events WHERE stream_id LIKE $1`,
      [`wallet-b${run}-%`],
    );
    expect({ good, bad }).toEqual({ good: 20, bad: 0 });
  });

  it("fails only the command the database refuses when it shares its stream's batch with others", async () => {
    const path = await instance();
    const streamId = `wallet-${uniqueSuffix()}`;
    await path.execute(streamId, command('Deposit', 1, 'first'));
    const unstorable = { ...command('Deposit', 1, 'bad'), data: { amount: 1, note: 'nul \u0000 here' } } as WalletCommand;
    // Queued while nothing else runs, the three are decided together and written in one INSERT.
    const outcomes = await Promise.allSettled([
      path.execute(streamId, command('Deposit', 1, 'good')),
      path.execute(streamId, unstorable),
      path.execute(streamId, command('Deposit', 1, 'good')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await path.readStream(streamId)).map((event) => event.metadata.actor)).toEqual(['first', 'good', 'good']);
  });

  it('loads a stream from its latest snapshot plus the events after it', async () => {
    const snapshots = { every: 10, serialize: (s: Wallet) => s, deserialize: (json: unknown) => json as Wallet };
    const writer = await instance({ snapshots });
    const streamId = `wallet-${uniqueSuffix()}`;
    for (let i = 0; i < 25; i++) await writer.execute(streamId, command('Deposit', 1, 'writer'));

    const [row] = await seed.query(`SELECT version, state FROM "${schema}".snapshots WHERE stream_id = $1`, [streamId]);
    expect(row).toEqual({ version: 20, state: { balance: 20 } });
    expect((await (await instance({ snapshots })).load(streamId)).state).toEqual({ balance: 25 });

    // Mark the snapshot: a cold instance that really starts from it carries the mark.
    await seed.query(`UPDATE "${schema}".snapshots SET state = $2 WHERE stream_id = $1`, [
      streamId,
      JSON.stringify({ balance: 20, restoredFrom: 'snapshot-20' }),
    ]);
    const cold = await instance({ snapshots });
    expect(await cold.load(streamId)).toEqual({ version: 25, state: { balance: 25, restoredFrom: 'snapshot-20' } });
    const result = await cold.execute(streamId, command('Withdraw', 5, 'cold'));
    expect(result).toMatchObject({ version: 26, state: { balance: 20 } });
    expect(fold(wallet, (await cold.readStream(streamId)) as unknown as WalletEvent[]).balance).toBe(20);
  });

  it("wakes the relay on the schema's channel once the append is committed, and only then", async () => {
    const path = await instance();
    const streamId = `wallet-${uniqueSuffix()}`;
    const listener = new Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    try {
      await listener.query(`LISTEN "${eventsChannel(schema)}"`);
      // What a relay woken by the notification would find at that moment.
      const visibleWhenWoken = new Promise<number>((resolve) =>
        listener.once('notification', () => {
          void seed
            .query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE stream_id = $1`, [streamId])
            .then(([row]: { n: number }[]) => resolve(row.n));
        }),
      );
      await path.execute(streamId, command('Deposit', 1, 'signal'));
      expect(await visibleWhenWoken).toBe(1);
    } finally {
      await listener.end();
    }
  });
});
