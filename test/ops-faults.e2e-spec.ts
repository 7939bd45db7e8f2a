import { TEST_OPS_TOKEN, TestPlatform, eventually } from '@app/testing';
import { Client } from 'pg';
import { OpsApi, runOpsCli, startPlatform } from './support/ops-e2e-support';

interface Frontier {
  held: boolean | null;
  pid?: number | null;
  query?: string | null;
  heldSeconds?: number | null;
  relayRefusal?: string | null;
}
interface SubscriptionList {
  producers: { producer: string; available: boolean; frontier: Frontier }[];
  subscriptions: {
    name: string;
    producer: string;
    lagEvents: number | null;
    appliedP50Seconds: number | null;
    appliedP99Seconds: number | null;
  }[];
}

const authorized = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_OPS_TOKEN}`, ...(init.headers ?? {}) },
});

/** Faults an operator must see in the subscriptions view, and the one command that fixes a restored database. */
describe('Ops subscriptions view under faults, with real Account and Ops processes', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let db: Client;
  /** A job of the service's own, under its own role: the relay (same role) may read its query. */
  let job: Client;

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    db = new Client({ connectionString: platform.databaseUrl('account') });
    await db.connect();
    job = new Client({ connectionString: platform.settingsOf('account').DATABASE_URL });
    await job.connect();
  });

  afterAll(async () => {
    await job?.query('ROLLBACK').catch(() => undefined);
    await job?.end();
    await db?.end();
    await platform?.stop();
  });

  const openAccount = async () => {
    const response = await fetch(
      `${platform.url('account')}/accounts`,
      authorized({
        method: 'POST',
        body: JSON.stringify({
          name: 'Grace',
          lastName: 'Hopper',
          country: 'US',
          address: { street: '1 Navy Way', city: 'Arlington', zip: '22201' },
          limit: 500,
          currency: 'USD',
        }),
      }),
    );
    expect(response.status).toBe(201);
  };
  const list = () => ops.get<SubscriptionList>('/subscriptions');
  const accountFrontier = async () => (await list()).producers.find((p) => p.producer === 'account')!.frontier;
  const cli = (...args: string[]) => runOpsCli(args, { OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN });

  it('shows applied latency per queue, and a held frontier with its backend, query and age, in the API and the CLI', async () => {
    await openAccount();
    await eventually(
      async () => {
        const { subscriptions } = await list();
        return ['ops.account-events', 'account.account-events'].every(
          (name) => subscriptions.find((s) => s.name === name)?.appliedP50Seconds != null,
        );
      },
      30_000,
      250,
    );
    const { subscriptions } = await list();
    const own = subscriptions.find((s) => s.name === 'account.account-events')!;
    expect(own.appliedP99Seconds).toBeGreaterThanOrEqual(own.appliedP50Seconds!);

    const { rows } = await job.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await job.query('BEGIN');
    await job.query(`/* nightly export */ INSERT INTO account.events (event_id, stream_id, stream_version, type, data)
      VALUES (gen_random_uuid(), 'account-export-job', 1, 'ExportStarted', '{}')`);
    await openAccount();
    const held = await eventually(
      async () => {
        const frontier = await accountFrontier();
        return frontier.held ? frontier : undefined;
      },
      20_000,
      250,
    );
    expect(held).toMatchObject({ held: true, pid: rows[0].pid });
    expect(held.query).toContain('nightly export');
    expect(held.heldSeconds).toBeGreaterThanOrEqual(0);
    const shown = await cli('subscriptions');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('APPLIED P99');
    expect(shown.stdout).toMatch(/account: commit frontier HELD for [\d.]+ s by transaction \d+ \(pid \d+/);
    await job.query('ROLLBACK');
    await eventually(async () => (await accountFrontier()).held === false, 20_000, 250);
  });

  it('shows a restored database refusing to relay, and re-bases it with one command', async () => {
    await platform.stopService('account');
    // As if restored from a cluster a billion transactions further on.
    await db.query(`UPDATE account.events SET transaction_id = (transaction_id::text::bigint + 1000000000)::text::xid8`);
    await db.query(`UPDATE account.subscriptions SET cursor_transaction_id = (cursor_transaction_id::text::bigint + 1000000000)::text::xid8
                     WHERE cursor_transaction_id <> '0'`);
    await platform.startService('account');
    const refused = await eventually(async () => (await accountFrontier()).relayRefusal, 20_000, 250);
    expect(refused).toMatch(/restored or migrated/);
    expect(refused).toContain('npm run ops -- rebase account');
    await openAccount();
    // The refusing relay leaves the new event undelivered: its subscriptions show it as lag.
    await eventually(async () => (await list()).subscriptions.some((s) => s.producer === 'account' && (s.lagEvents ?? 0) > 0), 20_000, 250);

    const rebased = await cli('rebase', 'account');
    expect(rebased.stderr).toBe('');
    expect(rebased.stdout).toMatch(/account: re-based \d+ transactions and \d+ cursors/);
    await eventually(
      async () => {
        const { producers, subscriptions } = await list();
        return (
          !producers.find((p) => p.producer === 'account')!.frontier.relayRefusal &&
          subscriptions.filter((s) => s.producer === 'account').every((s) => s.lagEvents === 0)
        );
      },
      30_000,
      250,
    );
    expect((await cli('rebase', 'account')).stdout).toContain('nothing to re-base');
  });
});
