import type { DataService } from '@app/provisioning';
import { privatePostgresPlatform, consumerProgress, eventually } from '@app/testing';

const CONSUMERS = ['account', 'fraud', 'ops'] as const;

/**
 * PostgreSQL restarted (a fast shutdown, down until every service saw it) under Account, Fraud and Ops while purchases
 * flow. It runs on a server of this spec's own: the shared one on 5432 is never stopped.
 */
describe('A PostgreSQL restart under load', () => {
  const installation = privatePostgresPlatform([...CONSUMERS]);

  const call = (path: string, init?: RequestInit) => installation().call('account', path, init);
  const ready = (service: (typeof CONSUMERS)[number]) => installation().ready(service);
  const query = <T>(service: DataService, sql: string) => installation().query<T>(service, sql);

  it('dead-letters nothing: every read model matches its stream, and every service is ready again by itself', async () => {
    const accounts = await installation().openAccounts(20, 1_000_000);

    // Purchases flow all along; during the outage they fail, and that is fine.
    const flow = installation().purchaseFlow(accounts.slice(0, 8));
    // Purchases flow before the outage; it lasts until every service has seen it (not ready: its database does not answer).
    await eventually(() => flow.succeeded() >= 50, 30_000, 100);
    const beforeOutage = flow.succeeded();
    installation().server.stop();
    await eventually(async () => (await Promise.all(CONSUMERS.map(ready))).every((isReady) => !isReady), 30_000, 250);
    installation().server.start();
    const atRestart = flow.succeeded();
    // The HTTP side takes purchases again with no restart of its own, and goes on taking them.
    await eventually(() => flow.succeeded() >= atRestart + 50, 30_000, 100);
    await flow.stop();
    expect(beforeOutage).toBeGreaterThan(0);

    // Every service recovers by itself, with no restart.
    await eventually(async () => (await Promise.all(CONSUMERS.map(ready))).every(Boolean), 60_000, 500);

    // Every consumer's read models caught up with the account streams.
    const progress = () => consumerProgress(installation().platform, 'account');
    expect((await progress()).map((p) => p.queue).sort()).toEqual(['account.account-events', 'fraud.account-events', 'ops.account-events']);
    let lastReport = '';
    const behind = async () => {
      const report = await progress();
      lastReport = report.map((p) => `${p.queue}: ${p.streamsBehind} streams behind`).join('; ');
      return report.reduce((sum, p) => sum + p.streamsBehind, 0);
    };
    await eventually(async () => (await behind()) === 0, 90_000, 1_000).catch(async (error: Error) => {
      const [dead] = await query<{ n: number }>('ops', 'SELECT count(*)::int AS n FROM ops.dead_letters');
      const logs = CONSUMERS.map((service) => `--- ${service}\n${installation().platform.output(service).slice(-3_000)}`).join('\n');
      throw new Error(`${error.message}: ${lastReport} dead letters: ${dead.n}\n${logs}`);
    });
    const [audit] = await query<{ n: number }>('ops', "SELECT count(*)::int AS n FROM ops.audit_events WHERE producer = 'account'");
    const [events] = await query<{ n: number }>('account', 'SELECT count(*)::int AS n FROM account.events');
    expect(audit.n).toBe(events.n);
    const stats = (await call('/stats/countries')).body as unknown as { country: string; totalAccounts: number }[];
    expect(stats.reduce((sum, row) => sum + row.totalAccounts, 0)).toBe(accounts.length);

    // No dead letter: none stored by Ops, none waiting in a dead-letter queue.
    const [dead] = await query<{ n: number }>('ops', 'SELECT count(*)::int AS n FROM ops.dead_letters');
    expect(dead.n).toBe(0);
    const deadLetterQueues = installation()
      .queueDepths()
      .filter((line) => /\.dlq\s/.test(line));
    expect(deadLetterQueues.length).toBeGreaterThan(0);
    for (const line of deadLetterQueues) expect(line).toMatch(/\s0$/);
  });
});
