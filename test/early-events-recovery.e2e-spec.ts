import type { DataService } from '@app/provisioning';
import { privatePostgresPlatform, consumerProgress, eventually } from '@app/testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONSUMERS = ['account', 'fraud', 'ops'] as const;
const ACCOUNTS = 20;
const BUYERS_PER_ACCOUNT = 10;
const LIMIT = 100_000_000;

/**
 * The scenario of issue 22, part 1, as an operator would run it: 10 concurrent purchases on each of
 * 20 accounts while PostgreSQL stops for 10 s (then, a second round, while Account's process is
 * SIGKILLed). Events that come back ahead of their predecessor wait for it instead of spending
 * attempts, so every consumer catches up by itself: every read model equals its stream, no dead
 * letter, no parked stream, no attempt spent on ordering, within 30 s of readiness. On a server of
 * this spec's own: the shared one on 5432 is never stopped.
 */
describe('Recovery without a person: early events wait for their predecessor', () => {
  const installation = privatePostgresPlatform([...CONSUMERS]);
  const accounts: string[] = [];
  /** Per round: the most events that waited at once at one consumer, and the longest any waited. */
  let waited = { events: 0, seconds: 0, where: '' };

  const call = (path: string, init?: RequestInit) => installation().call('account', path, init);
  const ready = (service: (typeof CONSUMERS)[number]) => installation().ready(service);
  const query = <T>(service: DataService, sql: string) => installation().query<T>(service, sql);

  /** Samples every consumer's waiting_events until stopped, keeping the largest count and the longest wait. */
  const watchWaiting = (round: string) => {
    waited = { events: 0, seconds: 0, where: '' };
    let watching = true;
    const sample = async () => {
      for (const service of CONSUMERS) {
        const [row] = await query<{ n: number; age: number }>(
          service,
          `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS age FROM "${service}".waiting_events`,
        ).catch(() => [{ n: 0, age: 0 }]);
        if (row.n > waited.events) waited = { ...waited, events: row.n, where: service };
        waited.seconds = Math.max(waited.seconds, row.age);
      }
    };
    const loop = (async () => {
      while (watching) {
        await sample();
        await sleep(200);
      }
    })();
    return async () => {
      watching = false;
      await loop;
      console.log(
        `${round}: at most ${waited.events} events waited behind a gap at once (${waited.where || 'none'}); the longest wait was ${waited.seconds.toFixed(1)} s`,
      );
    };
  };

  /** 10 buyers per account purchase until told to stop; failures during the disruption are fine. */
  const purchasesUnder = async (disrupt: () => Promise<void>) => {
    const flow = installation().purchaseFlow(accounts, BUYERS_PER_ACCOUNT);
    await sleep(3_000);
    const beforeDisruption = flow.succeeded();
    await disrupt();
    const afterDisruption = flow.succeeded();
    await eventually(() => flow.succeeded() > afterDisruption, 60_000, 100);
    await sleep(3_000);
    await flow.stop();
    expect(beforeDisruption).toBeGreaterThan(0);
  };

  /** Everything the scenario asks, within 30 s of every service being ready again. */
  const expectCaughtUpWithoutHelp = async () => {
    await eventually(async () => (await Promise.all(CONSUMERS.map(ready))).every(Boolean), 90_000, 250);
    let lastReport = '';
    await eventually(
      async () => {
        const report = await consumerProgress(installation().platform, 'account');
        lastReport = report.map((p) => `${p.queue}: ${p.streamsBehind} behind, ${p.waiting} waiting, ${p.missing} missing`).join('; ');
        return report.every((p) => p.streamsBehind === 0 && p.missing === 0 && p.waiting === 0);
      },
      30_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${lastReport}`);
    });

    // Account's read model equals each stream: the stream's last version, and its balance the limit less every purchase of 1.
    for (const account of accounts) {
      const stream = (await call(`/accounts/${account}/events`)).body as unknown as { version: number; type: string }[];
      const purchases = stream.filter((event) => event.type === 'ItemPurchased').length;
      expect((await call(`/accounts/${account}`)).body).toMatchObject({ version: stream.length, balance: LIMIT - purchases });
    }

    // No dead letter (stored by Ops or waiting in a DLQ), no parked stream, no attempt spent on ordering.
    const [dead] = await query<{ n: number }>('ops', 'SELECT count(*)::int AS n FROM ops.dead_letters');
    expect(dead.n).toBe(0);
    for (const line of installation()
      .queueDepths()
      .filter((l) => /\.(dlq|retry\.[^\s]+)\s/.test(l)))
      expect(line).toMatch(/\s0$/);
    for (const service of CONSUMERS) {
      const [parked] = await query<{ n: number }>(service, `SELECT count(*)::int AS n FROM "${service}".parked_streams`);
      expect(parked.n).toBe(0);
      expect(installation().platform.output(service)).not.toMatch(/OUT_OF_ORDER|arrived before version/);
    }
  };

  it('catches up by itself after PostgreSQL stops for 10 s under purchases', async () => {
    accounts.push(...(await installation().openAccounts(ACCOUNTS, LIMIT)));
    const stopWatching = watchWaiting('PostgreSQL stopped 10 s');
    await purchasesUnder(async () => {
      installation().server.stop();
      await sleep(10_000);
      installation().server.start();
    });
    await expectCaughtUpWithoutHelp();
    await stopWatching();
  });

  it("catches up by itself after Account's process is SIGKILLed under purchases", async () => {
    const stopWatching = watchWaiting('Account SIGKILLed');
    await purchasesUnder(async () => {
      await installation().platform.stopService('account', 'SIGKILL');
      await installation().platform.startService('account');
    });
    await expectCaughtUpWithoutHelp();
    await stopWatching();
  });
});
