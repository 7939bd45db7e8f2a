import { TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { insertCeilingAt, measureInsertCeiling } from './support/account-ceiling';
import { HttpAnswer, KeepAliveClient, LoadResult, mean, percentile, runLoad, serverErrors } from './support/account-load';
import { seedAccount } from './support/account-seed';
import { printProfiles, profiling, profilingEnv, startProfiling } from './support/cpu-profile';
import { describeOpenLoop, percentileOf, runOpenLoop } from './support/open-loop';
import { backendPids, backgroundPids, databaseCounters, describeCounters } from './support/pg-activity';
import { ProcessGroups, describePerUnit, measureCpu, postgresServerPids, rabbitPids, totalOf } from '../test/support/process-cpu';
import { Target, baseline, printTargets } from './support/targets';
import { LagFigures, watchLag } from './support/consumer-lag';

/**
 * `npm run bench:account`: the Account service as a real process against its own database, driven
 * over HTTP by a keep-alive client in this process. Prints figures; asserts nothing.
 *   (a) the raw ceiling: single-event INSERT transactions/s through bare `pg`, 16 connections
 *       (and, for comparison, into a table with the event store's NOTIFY trigger)
 *   (b) purchases on 1,000 distinct accounts: commands/s, p50, p99
 *   (c) purchases on one hot account until its funds run out: commands/s, p50, p99, overdraws
 *   (d) command latency on a stream of 10 events against one of 50,000 events
 *   (e) the consumer's own pace: Account's read model catching up with (c)-like purchases held back by the relay
 * (c) also follows the read model's lag during the load and after it (issue 26: caught up ≤ 1 s after the load).
 * with the CPU per command of every process ((a): PostgreSQL and this client; (b): Account,
 * PostgreSQL, RabbitMQ and this client), and (b)'s purchases again in an open loop at 25% and 50%
 * of (b)'s rate, next to the raw ceiling's inserts at the same rate. `-- --cpu-prof` profiles Account.
 * BENCH_BASELINE_ACCOUNT_CPU_MS: today's (b) CPU per command, all processes, measured in the same hour.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DISTINCT_ACCOUNTS = 1_000;
const DISTINCT_PURCHASES = Number(process.env.BENCH_PURCHASES ?? 30_000);
const DISTINCT_SECONDS = 20;
const HOT_LIMIT = 2_500_000;
const HOT_AMOUNT = 500;
const HOT_REQUESTS = 6_000;
const LONG_STREAM = 50_000;
const LATENCY_SAMPLES = 300;
const EUR = 'EUR';
const OPEN_LOOP_MS = Number(process.env.BENCH_OPEN_LOOP_SECONDS ?? 15) * 1_000;
const OPEN_LOOP_LOADS = [0.25, 0.5];
const BASELINE_CPU_MS = baseline('BENCH_BASELINE_ACCOUNT_CPU_MS');
/** PostgreSQL publishes an idle backend's counters up to 10 s late. */
const STATS_SETTLE_MS = 11_000;

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (result: LoadResult) => result.latencies.length / (result.elapsedMs / 1_000);
const log = (line: string) => process.stdout.write(`${line}\n`);
const statusLine = (result: LoadResult) =>
  [...result.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ') +
  (result.codes.size ? ` (${[...result.codes].map(([code, n]) => `${code}×${n}`).join(', ')})` : '') +
  (result.failures ? `, ${result.failures} transport failures` : '');

async function main(): Promise<void> {
  // A benchmark must end by itself, whatever happens.
  setTimeout(() => {
    process.stderr.write('bench:account gave up after 15 minutes\n');
    process.exit(2);
  }, 15 * 60_000).unref();

  // The machine is shared: the load average says how much of it the figures had.
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
  log(
    `bench:account on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; load concurrency ${CONCURRENCY}; load average ${load()}`,
  );
  // The same 16 connections the raw ceiling gets (the default pool is sized for five services on one server).
  const profile = profiling ? profilingEnv() : undefined;
  const platform = await TestPlatform.start(['account'], { DATABASE_POOL_SIZE: '16', ...profile?.env });
  const accountPid = platform.pid('account');
  const client = new KeepAliveClient(platform.url('account'), Math.max(CONCURRENCY, 16));
  const db = new Client({ connectionString: platform.databaseUrl('account') });
  await db.connect();
  const databases = [new URL(platform.databaseUrl('account')).pathname.slice(1)];
  const postgres = async () => [...(await backendPids(db, databases)), ...(await backgroundPids(db))];
  const figures: Record<string, string> = {};
  try {
    const ceilingGroups: ProcessGroups = { postgres, client: () => [process.pid] };
    let ceilingCpu = new Map<string, number>();
    const measured = async <T>(work: () => Promise<T>) => {
      const { result, spent } = await measureCpu(ceilingGroups, work);
      ceilingCpu = spent;
      return result;
    };
    const ceiling = await measureInsertCeiling(platform.databaseUrl('account'), 16, 5_000, false, measured);
    const notifying = await measureInsertCeiling(platform.databaseUrl('account'), 16, 5_000, true);
    const ceilingCpuPerInsert = totalOf(ceilingCpu, Object.keys(ceilingGroups)) / ceiling.inserted;
    log(
      `(a) raw ceiling: ${ceiling.perSecond.toFixed(0)} single-event insert transactions/s (16 connections, 5 s); ` +
        `${notifying.perSecond.toFixed(0)}/s with the event table's NOTIFY trigger`,
    );
    log(`    CPU ms per insert: ${describePerUnit(ceilingCpu, ceiling.inserted, 3)}; total ${ceilingCpuPerInsert.toFixed(3)}`);

    const groups: ProcessGroups = {
      account: () => [accountPid!],
      postgres,
      rabbitmq: rabbitPids,
      client: () => [process.pid],
      '(postgres, whole shared server)': postgresServerPids,
    };
    const ids = await openDistinctAccounts(client, db);
    await new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
    const countersBefore = await databaseCounters(db, databases);
    if (profile) startProfiling([accountPid]);
    const { result: distinct, spent } = await measureCpu(groups, () => buyOnDistinctAccounts(client, db, ids));
    await new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
    const countersAfter = await databaseCounters(db, databases);
    const distinctRate = rate(distinct);
    const p99 = percentile(distinct.latencies, 99);
    const commands = distinct.latencies.length;
    const cpuPerCommand = totalOf(spent, ['account', 'postgres', 'rabbitmq']) / commands;
    log(
      `(b) 1,000 accounts: ${distinctRate.toFixed(0)} commands/s, p50 ${ms(percentile(distinct.latencies, 50))}, p99 ${ms(p99)}; ${statusLine(distinct)}`,
    );
    log(`    CPU ms per command (load and read-model catch-up): ${describePerUnit(spent, commands, 3)}`);
    log(
      `    platform total (account + postgres + rabbitmq) ${cpuPerCommand.toFixed(3)} ms = ${(cpuPerCommand / ceilingCpuPerInsert).toFixed(1)}× the raw insert's ${ceilingCpuPerInsert.toFixed(3)} ms`,
    );
    log(`    PostgreSQL: ${describeCounters(countersBefore, countersAfter, commands, 'command')}`);

    let quarterP99 = { platform: NaN, ceiling: NaN };
    for (const load of OPEN_LOOP_LOADS) {
      const perSecond = load * distinctRate;
      const onAccount = await runOpenLoop(perSecond, OPEN_LOOP_MS, async (i) => {
        const path = `/accounts/${ids[randomInt(ids.length)]}/transactions`;
        return (await client.send('POST', path, { transactionId: `open-${load}-${i}`, amount: 1, currency: EUR })).status === 201;
      });
      const onCeiling = await insertCeilingAt(platform.databaseUrl('account'), 16, perSecond, OPEN_LOOP_MS);
      if (load === 0.25) quarterP99 = { platform: percentileOf(onAccount.latencies, 99), ceiling: percentileOf(onCeiling.latencies, 99) };
      log(`    open loop at ${load * 100}% (${perSecond.toFixed(0)}/s): purchase    ${describeOpenLoop(onAccount)}`);
      log(
        `    ${' '.repeat(`open loop at ${load * 100}% (${perSecond.toFixed(0)}/s):`.length)} raw insert  ${describeOpenLoop(onCeiling)}`,
      );
    }
    await caughtUp(db, 'the open loop');

    const hot = await hotAccount(client, db);
    log(
      `(c) one hot account: ${rate(hot.result).toFixed(0)} commands/s, p50 ${ms(percentile(hot.result.latencies, 50))}, p99 ${ms(percentile(hot.result.latencies, 99))}; ` +
        `${statusLine(hot.result)}; ${hot.overdraws} overdraws, ${hot.purchases} purchases recorded (${HOT_LIMIT / HOT_AMOUNT} fit), lowest balance ${hot.lowestBalance}`,
    );

    const pace = await consumerPace(client, db);
    log(
      `(e) the consumer's own pace: ${pace.events} purchases held back then released at once, applied in ` +
        `${pace.caughtUpMs === undefined ? 'more than 60 s' : `${(pace.caughtUpMs / 1_000).toFixed(2)} s`}: ${pace.rate.toFixed(0)} events/s ` +
        `(producer (c): ${rate(hot.result).toFixed(0)} commands/s)`,
    );

    const streams = await streamLength(client, platform);
    log(
      `(d) stream of 10 events: p50 ${ms(streams.short.p50)}, p99 ${ms(streams.short.p99)}, mean ${ms(streams.short.mean)}; ` +
        `stream of ${LONG_STREAM} events: p50 ${ms(streams.long.p50)}, p99 ${ms(streams.long.p99)}, mean ${ms(streams.long.mean)}; ` +
        `ratio p50 ${(streams.long.p50 / streams.short.p50).toFixed(2)}, mean ${(streams.long.mean / streams.short.mean).toFixed(2)}; ` +
        `first command (cold, no snapshot): ${ms(streams.short.cold)} vs ${ms(streams.long.cold)}`,
    );

    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    figures['(a) raw ceiling'] = `${ceiling.perSecond.toFixed(0)} tx/s (${notifying.perSecond.toFixed(0)} tx/s with NOTIFY)`;
    figures['(b) 1,000 accounts'] =
      `${distinctRate.toFixed(0)} cmd/s = ${(distinctRate / ceiling.perSecond).toFixed(2)}× ceiling, p99 ${ms(p99)} ` +
      `[target ≥ 0.35×, p99 ≤ 50 ms: ${verdict(distinctRate >= 0.35 * ceiling.perSecond && p99 <= 50 && serverErrors(distinct) === 0)}]`;
    figures['(c) hot account'] =
      `${rate(hot.result).toFixed(0)} cmd/s, ${hot.overdraws} overdraws, ${serverErrors(hot.result)} 5xx ` +
      `[target ≥ 1,000 cmd/s, 0 overdraws, 0 5xx: ${verdict(rate(hot.result) >= 1_000 && hot.overdraws === 0 && serverErrors(hot.result) === 0)}]`;
    figures['(d) 50,000 vs 10 events'] =
      `p50 ratio ${(streams.long.p50 / streams.short.p50).toFixed(2)} [target ≤ 1.5: ${verdict(streams.long.p50 / streams.short.p50 <= 1.5)}]`;
    log(`\nsummary (load average now ${load()})`);
    for (const [name, figure] of Object.entries(figures)) log(`  ${name.padEnd(26)} ${figure}`);
    const hotRate = rate(hot.result);
    const targets: Target[] = [
      {
        name: '(b) CPU per command vs baseline',
        measured: `${cpuPerCommand.toFixed(3)} ms vs ${BASELINE_CPU_MS === undefined ? 'no BENCH_BASELINE_ACCOUNT_CPU_MS' : `${BASELINE_CPU_MS} ms = ${(cpuPerCommand / BASELINE_CPU_MS).toFixed(2)}×`}`,
        goal: '≤ 0.6×',
        met: BASELINE_CPU_MS === undefined ? undefined : cpuPerCommand <= 0.6 * BASELINE_CPU_MS,
      },
      {
        name: '(c) hot account',
        measured: `${hotRate.toFixed(0)} cmd/s, ${hot.overdraws} overdraws`,
        goal: '≥ 1,000 cmd/s, 0 overdraws',
        met: hotRate >= 1_000 && hot.overdraws === 0,
      },
      {
        name: '(c) read model caught up after the load',
        measured: `${hot.lag.caughtUpMs === undefined ? 'not within 60 s' : `${(hot.lag.caughtUpMs / 1_000).toFixed(2)} s`}, lag ${hot.lag.bounded ? 'bounded' : 'growing'} during it`,
        goal: '≤ 1 s, bounded',
        met: hot.lag.caughtUpMs !== undefined && hot.lag.caughtUpMs <= 1_000 && hot.lag.bounded,
      },
      {
        name: "(e) consumer's apply rate vs producer's",
        measured: `${pace.rate.toFixed(0)} events/s vs ${hotRate.toFixed(0)} commands/s = ${(pace.rate / hotRate).toFixed(2)}×`,
        goal: '≥ 1×',
        met: pace.rate >= hotRate,
      },
      {
        name: '(d) 50,000 vs 10 events',
        measured: `p50 ratio ${(streams.long.p50 / streams.short.p50).toFixed(2)}`,
        goal: '≤ 1.5',
        met: streams.long.p50 / streams.short.p50 <= 1.5,
      },
      {
        name: 'open-loop p99 at 25% (context)',
        measured: `${ms(quarterP99.platform)} vs raw insert ${ms(quarterP99.ceiling)} = ${(quarterP99.platform / quarterP99.ceiling).toFixed(1)}×`,
        goal: 'no target for Account',
        met: undefined,
      },
    ];
    printTargets(targets, log);
  } finally {
    client.close();
    await db.end();
    await platform.stop();
    if (profile) printProfiles(profile.dir, (pid) => (pid === accountPid ? 'account' : undefined), log);
  }
}

/** (b), before measuring: opens 1,000 accounts and lets the read model catch up. */
async function openDistinctAccounts(client: KeepAliveClient, db: Client): Promise<string[]> {
  const ids: string[] = [];
  const opened = await runLoad({
    concurrency: 16,
    total: DISTINCT_ACCOUNTS,
    maxDurationMs: 120_000,
    send: () =>
      client.send('POST', '/accounts', {
        name: 'Bench',
        lastName: 'Account',
        country: ['DE', 'FR', 'NL', 'IT'][randomInt(4)],
        address: { street: 's', city: 'c', zip: 'z' },
        limit: 10_000_000,
        currency: EUR,
      }),
    observe: (_, answer) => answer.status === 201 && ids.push(answer.body.id),
  });
  if (ids.length !== DISTINCT_ACCOUNTS) throw new Error(`could not open the accounts: ${statusLine(opened)}`);
  await caughtUp(db, 'the opened accounts');
  return ids;
}

/** (b): buys on a random one of `ids` per request, then lets the read model catch up. */
async function buyOnDistinctAccounts(client: KeepAliveClient, db: Client, ids: string[]): Promise<LoadResult> {
  const result = await runLoad({
    concurrency: CONCURRENCY,
    total: DISTINCT_PURCHASES,
    maxDurationMs: DISTINCT_SECONDS * 1_000,
    send: (i) =>
      client.send('POST', `/accounts/${ids[randomInt(ids.length)]}/transactions`, { transactionId: `b-${i}`, amount: 1, currency: EUR }),
  });
  await caughtUp(db, '(b)');
  return result;
}

/** (c): one account, more purchases than its funds allow, all at once; then the stream is checked for overdraws. */
async function hotAccount(client: KeepAliveClient, db: Client) {
  const opened = await client.send('POST', '/accounts', {
    name: 'Hot',
    lastName: 'Account',
    country: 'DE',
    address: { street: 's', city: 'c', zip: 'z' },
    limit: HOT_LIMIT,
    currency: EUR,
  });
  const id: string = opened.body.id;
  await caughtUp(db, "the hot account's opening");
  let lowestAnswered = Number.POSITIVE_INFINITY;
  const { result, figures: lag } = await watchLag(db, id, () =>
    runLoad({
      concurrency: CONCURRENCY,
      total: HOT_REQUESTS,
      maxDurationMs: 120_000,
      send: (i) => client.send('POST', `/accounts/${id}/transactions`, { transactionId: `hot-${i}`, amount: HOT_AMOUNT, currency: EUR }),
      observe: (_, answer: HttpAnswer) => {
        if (answer.status === 201) lowestAnswered = Math.min(lowestAnswered, answer.body.balance);
      },
    }),
  );
  const { rows } = await db.query(
    `SELECT count(*)::int AS purchases, min((data->>'balanceAfter')::bigint)::float8 AS lowest,
            count(*) FILTER (WHERE (data->>'balanceAfter')::bigint < 0)::int AS negative
       FROM account.events WHERE stream_id = $1 AND type = 'ItemPurchased'`,
    [`account-${id}`],
  );
  const { purchases, lowest, negative } = rows[0] as { purchases: number; lowest: number; negative: number };
  // An overdraw is any purchase beyond what the limit allows, or any balance below zero, in the stream or an answer.
  const overdraws = Math.max(0, purchases - HOT_LIMIT / HOT_AMOUNT) + negative + (lowestAnswered < 0 ? 1 : 0);
  await caughtUp(db, '(c)');
  log(`    (c) Account's read model (account.account-events): ${describeLag(lag)}`);
  return { result, purchases, overdraws, lowestBalance: lowest, lag };
}

const describeLag = (lag: LagFigures) =>
  `lag during the load max ${lag.maxEvents} events / ${lag.maxSeconds.toFixed(2)} s, ${lag.atEndEvents} events at its end, ` +
  `${lag.bounded ? 'bounded' : 'GROWING'}; caught up ${lag.caughtUpMs === undefined ? 'not within 60 s' : `${(lag.caughtUpMs / 1_000).toFixed(2)} s`} after it; ` +
  `applied ${Number.isNaN(lag.applyRate) ? '(never behind)' : `${lag.applyRate.toFixed(0)} events/s`} while behind`;

/**
 * (e) the consumer's own pace: the relay holds `account.account-events` while a hot account takes
 * HOT_REQUESTS purchases, then lets them go at once; the read model's catch-up is the consumer's
 * maximum apply rate on one stream, to set beside the producer's rate in (c).
 */
async function consumerPace(client: KeepAliveClient, db: Client) {
  const auth = { authorization: `Bearer ${TEST_OPS_TOKEN}` };
  const opened = await client.send('POST', '/accounts', {
    name: 'Pace',
    lastName: 'Account',
    country: 'DE',
    address: { street: 's', city: 'c', zip: 'z' },
    limit: HOT_LIMIT * 2,
    currency: EUR,
  });
  const id: string = opened.body.id;
  await caughtUp(db, "the paced account's opening");
  const subscription = 'account.account-events';
  const paused = await client.send('POST', `/subscriptions/${subscription}/pause`, undefined, auth);
  if (paused.status !== 200) throw new Error(`could not pause ${subscription}: ${paused.status}`);
  const produced = await runLoad({
    concurrency: CONCURRENCY,
    total: HOT_REQUESTS,
    maxDurationMs: 120_000,
    send: (i) => client.send('POST', `/accounts/${id}/transactions`, { transactionId: `pace-${i}`, amount: 1, currency: EUR }),
  });
  const { figures } = await watchLag(db, id, async () => {
    const resumed = await client.send('POST', `/subscriptions/${subscription}/resume`, undefined, auth);
    if (resumed.status !== 200) throw new Error(`could not resume ${subscription}: ${resumed.status}`);
  });
  const events = produced.statuses.get(201) ?? 0;
  // Not caught up within the watch: its pace over the watch instead.
  const pace = figures.caughtUpMs === undefined ? figures.applyRate : events / (figures.caughtUpMs / 1_000);
  return { events, caughtUpMs: figures.caughtUpMs, rate: pace };
}

/**
 * (d): two accounts seeded straight into the event table, 10 and 50,000 events long, then
 * purchases one at a time alternating between them. The relay is paused first so that
 * delivering the 50,000 seeded events does not load the machine while latency is measured.
 */
async function streamLength(client: KeepAliveClient, platform: TestPlatform) {
  const auth = { authorization: `Bearer ${TEST_OPS_TOKEN}` };
  for (const name of ['account.account-events', 'fraud.account-events', 'ops.account-events']) {
    const paused = await client.send('POST', `/subscriptions/${name}/pause`, undefined, auth);
    if (paused.status !== 200) throw new Error(`could not pause ${name}: ${paused.status}`);
  }
  const short = await seedAccount(platform.databaseUrl('account'), 10);
  const long = await seedAccount(platform.databaseUrl('account'), LONG_STREAM);
  const buy = async (id: string) => {
    const started = process.hrtime.bigint();
    const answer = await client.send('POST', `/accounts/${id}/transactions`, { transactionId: randomUUID(), amount: 1, currency: EUR });
    if (answer.status !== 201) throw new Error(`purchase on ${id} answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const cold = { short: await buy(short), long: await buy(long) };
  for (let i = 0; i < 20; i++) await Promise.all([buy(short), buy(long)]);
  const samples = { short: new Float64Array(LATENCY_SAMPLES), long: new Float64Array(LATENCY_SAMPLES) };
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    samples.short[i] = await buy(short);
    samples.long[i] = await buy(long);
  }
  const describe = (values: Float64Array, coldMs: number) => {
    const sorted = values.slice().sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: mean(sorted), cold: coldMs };
  };
  return { short: describe(samples.short, cold.short), long: describe(samples.long, cold.long) };
}

/** Waits until every account view reflects its stream's latest version. */
async function caughtUp(db: Client, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS behind
         FROM (SELECT stream_id, max(stream_version) AS version FROM account.events GROUP BY stream_id) s
         LEFT JOIN account.account_view v ON 'account-' || v.id = s.stream_id
        WHERE v.version IS NULL OR v.version < s.version`,
    );
    if (rows[0].behind === 0) return;
    if (Date.now() > deadline) throw new Error(`the read model did not catch up after ${what} within ${timeoutMs / 1_000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:account failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
