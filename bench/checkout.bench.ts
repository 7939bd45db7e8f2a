/**
 * Completed checkouts per second and their latency at a fixed concurrency, through real processes
 * of Account, Merchant, Fraud, the payment-provider simulator (zero latency), Checkout and Ops, each
 * on the benchmark's own database and vhost; beside it, the ceiling for the same call pattern on
 * this machine: a bare Node `http` handler making as many sequential keep-alive calls to a bare stub
 * as Checkout makes to other services per checkout. Both are measured closed-loop (a fixed
 * concurrency) and open-loop (a fixed arrival rate, at 25% and 50% of the platform's throughput),
 * with the CPU of every process involved, PostgreSQL and RabbitMQ included. Prints figures and the
 * issue's targets; asserts nothing.
 *
 *   npm run bench:checkout [-- --cpu-prof] [-- --webhook] [-- --tracing]
 *   (--webhook or BENCH_WEBHOOK=1: the merchant has a webhook endpoint for checkout.completed, a local
 *    server; prints the delivery latency from the event's commit to the endpoint's receipt)
 *   --statements or BENCH_STATEMENTS=1: the platform's databases live on a PostgreSQL server of the
 *   bench's own (PrivatePostgres) with pg_stat_statements loaded; prints every statement's calls per
 *   completed checkout by database, BEGIN/COMMIT included, so transactions can be told apart
 *   --tracing: every service exports its traces (OTEL_EXPORTER_OTLP_ENDPOINT) to an OTLP/HTTP sink in
 *   this process that answers 200 and only counts; compare with a run without it for tracing's cost
 *   (BENCH_CHECKOUTS, BENCH_CONCURRENCY, BENCH_ACCOUNTS, BENCH_WARMUP, BENCH_OPEN_LOOP_SECONDS,
 *    BENCH_BASELINE_CHECKOUTS_PER_S: today's throughput at concurrency 16, measured in the same hour;
 *    BENCH_BASELINE_CHECKOUT_CPU_MS: today's platform total CPU per completed checkout, same sitting)
 */
import { DATA_SERVICES } from '@app/provisioning';
import { PrivatePostgres, TestPlatform, testAdminDatabaseUrl } from '@app/testing';
import { Client } from 'pg';
import { UrlOf, checkoutBody, onboardMerchant, openAccount, postCheckout } from '../test/support/checkout-fixtures';
import { closeConnections, send } from '../test/support/http';
import { CeilingServers, startCeiling } from './support/checkout-ceiling';
import { describeLoad, runLoad } from './support/checkout-load';
import { printProfiles, profiling, profilingEnv, startProfiling } from './support/cpu-profile';
import { OpenLoopResult, describeOpenLoop, percentileOf, runOpenLoop } from './support/open-loop';
import { backendPids, backgroundPids, databaseCounters, describeCounters, describePerDatabase } from './support/pg-activity';
import { ProcessGroups, describePerUnit, measureCpu, postgresServerPids, rabbitPids, totalOf } from '../test/support/process-cpu';
import { OtlpSink } from './support/otlp-sink';
import { describeCallsPerUnit, readStatements, resetStatements } from './support/statement-counts';
import { Target, baseline, printTargets } from './support/targets';
import { WebhookReceiver } from './support/webhook-receiver';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 64);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const OPEN_LOOP_MS = Number(process.env.BENCH_OPEN_LOOP_SECONDS ?? 15) * 1_000;
const BASELINE_PER_S = baseline('BENCH_BASELINE_CHECKOUTS_PER_S');
const BASELINE_CPU_MS = baseline('BENCH_BASELINE_CHECKOUT_CPU_MS');
/** Account read, merchant read, assessment, authorise, charge, capture. */
const DOWNSTREAM_CALLS_PER_CHECKOUT = 6;
const UNIT_PRICE = 1_000;
const SERVICES = ['account', 'merchant', 'fraud', 'payment-provider', 'checkout', 'ops'] as const;
const OPEN_LOOP_LOADS = [0.25, 0.5];
const WEBHOOK = process.argv.includes('--webhook') || process.env.BENCH_WEBHOOK === '1';
/** PostgreSQL publishes an idle backend's counters up to 10 s late. */
const STATS_SETTLE_MS = 11_000;
const TRACING = process.argv.includes('--tracing') || process.env.BENCH_TRACING === '1';
const STATEMENTS = process.argv.includes('--statements') || process.env.BENCH_STATEMENTS === '1';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const completed = (answer: { status: number; body: Record<string, unknown> }) =>
  answer.status === 200 && answer.body.status === 'completed';

async function main(): Promise<void> {
  log(
    `checkout benchmark: ${CHECKOUTS} checkouts (after ${WARMUP} warm-up) at concurrency ${CONCURRENCY} over ${ACCOUNTS} accounts; ` +
      `open loop ${OPEN_LOOP_MS / 1_000} s at ${OPEN_LOOP_LOADS.map((l) => `${l * 100}%`).join(' and ')} of the measured throughput`,
  );
  // pg_stat_statements loads only at a server's start: the shared server is never restarted, so a server of our own.
  const server = STATEMENTS
    ? await PrivatePostgres.start({ shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' })
    : undefined;
  if (server) process.env.TEST_DATABASE_URL = server.url('platform_test');
  log(server ? `statements ON: a private PostgreSQL server on port ${server.port} with pg_stat_statements` : 'statements OFF');
  const admin = new Client({ connectionString: testAdminDatabaseUrl() });
  await admin.connect();
  if (server) await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const profile = profiling ? profilingEnv() : undefined;
  const sink = TRACING ? await OtlpSink.start() : undefined;
  log(sink ? `tracing ON: every service exports to an OTLP/HTTP sink at ${sink.url} (answers 200, counts)` : 'tracing OFF');
  const platform = await TestPlatform.start([...SERVICES], {
    FRAUD_VELOCITY_MAX_PER_MINUTE: '1000000',
    PROVIDER_LATENCY_MS: '0',
    LOG_LEVEL: 'warn',
    ...(WEBHOOK ? { WEBHOOK_DEVELOPMENT_MODE: 'true' } : {}),
    ...profile?.env,
    ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}),
  });
  const receiver = WEBHOOK ? new WebhookReceiver() : undefined;
  let ceiling: CeilingServers | undefined;
  try {
    ceiling = await startCeiling(DOWNSTREAM_CALLS_PER_CHECKOUT);
    const { url: ceilingUrl, front, stub } = ceiling;
    // The ceiling: its server, its stub and its client (this process), nothing else runs meanwhile.
    const ceilingBody = checkoutBody('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', UNIT_PRICE);
    const callCeiling = (phase: string) => (index: number) =>
      send(ceilingUrl, 'POST', '/checkouts', ceilingBody, { 'idempotency-key': `ceiling-${phase}-${index}` });
    const ceilingGroups: ProcessGroups = { 'ceiling server': () => [front], 'ceiling stub': () => [stub], client: () => [process.pid] };
    await runLoad(WARMUP, CONCURRENCY, callCeiling('warmup'), (answer) => answer.status === 200);
    const ceilingRun = await measureCpu(ceilingGroups, () =>
      runLoad(CHECKOUTS, CONCURRENCY, callCeiling('measured'), (a) => a.status === 200),
    );
    const ceilingCpu = totalOf(ceilingRun.spent, Object.keys(ceilingGroups)) / Math.max(ceilingRun.result.ok, 1);
    log(`  ceiling  (bare http, ${DOWNSTREAM_CALLS_PER_CHECKOUT} sequential keep-alive calls)  ${describeLoad(ceilingRun.result)}`);
    log(`    CPU ms per call: ${describePerUnit(ceilingRun.spent, ceilingRun.result.ok, 3)}; total ${ceilingCpu.toFixed(3)}`);

    // The platform: every service, the platform's PostgreSQL backends and the server's own processes, the broker.
    const urlOf: UrlOf = (service) => platform.url(service);
    const merchantId = await onboardMerchant(urlOf);
    if (receiver) {
      const url = await receiver.start();
      const endpoint = await send(urlOf('merchant'), 'POST', `/merchants/${merchantId}/webhook-endpoints`, {
        url,
        events: ['checkout.completed'],
      });
      if (endpoint.status !== 201) throw new Error(`registering the webhook endpoint answered ${endpoint.status}`);
      log(`  the merchant has a webhook endpoint for checkout.completed at ${url}`);
    }
    // Generous: the open-loop phases buy too, at a rate known only once the closed loop has run.
    const limit = Math.ceil(((CHECKOUTS + WARMUP) / ACCOUNTS) * 10 + 10) * UNIT_PRICE;
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(await openAccount(urlOf, limit));
    const run = `${Date.now()}`;
    const checkout = (phase: string) => (index: number) =>
      postCheckout(urlOf, `${run}-${phase}-${index}`, checkoutBody(accounts[index % ACCOUNTS], merchantId, UNIT_PRICE));
    const databases = DATA_SERVICES.map((service) => `${platform.names.prefix}${service}`);
    const platformGroups: ProcessGroups = {
      ...Object.fromEntries(SERVICES.map((service) => [service, () => [platform.pid(service)!]])),
      postgres: async () => [...(await backendPids(admin, databases)), ...(await backgroundPids(admin))],
      rabbitmq: rabbitPids,
    };
    const platformTotal = [...SERVICES, 'postgres', 'rabbitmq'];
    const groups: ProcessGroups = { ...platformGroups, client: () => [process.pid], '(postgres, whole shared server)': postgresServerPids };

    const warmup = await runLoad(WARMUP, CONCURRENCY, checkout('warmup'), completed);
    await salesLedgerCatchUp(urlOf, merchantId, warmup.ok);
    await sleep(STATS_SETTLE_MS);
    sink?.reset();
    const countersBefore = await databaseCounters(admin, databases);
    if (server) await resetStatements(admin);
    if (profile) startProfiling(SERVICES.map((service) => platform.pid(service)));
    const measured = await measureCpu(groups, async () => {
      const result = await runLoad(CHECKOUTS, CONCURRENCY, checkout('measured'), completed);
      // Includes the queue consumers' catch-up, so it is the whole cost of a checkout, not only the request's.
      const lag = await salesLedgerCatchUp(urlOf, merchantId, warmup.ok + result.ok);
      const webhookLag = await receiver?.caughtUp(warmup.ok + result.ok);
      return { result, lag, webhookLag };
    });
    await sleep(STATS_SETTLE_MS);
    const countersAfter = await databaseCounters(admin, databases);
    const checkouts = measured.result.result;
    const platformCpu = totalOf(measured.spent, platformTotal) / Math.max(checkouts.ok, 1);
    log(`  checkout (6 services, completed checkouts)            ${describeLoad(checkouts)}`);
    const { lag } = measured.result;
    log(`    merchant sales ledger caught up ${lag === undefined ? 'not within 60 s' : `${lag} ms after the last checkout`}`);
    if (receiver) {
      const latencies = [...receiver.latencies.values()].sort((a, b) => a - b);
      const { webhookLag } = measured.result;
      log(
        `    webhooks: ${latencies.length} checkout.completed received, commit to receipt p50 ${percentileOf(latencies, 50).toFixed(0)} ms, ` +
          `p99 ${percentileOf(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; ` +
          `all in ${webhookLag === undefined ? 'not within 60 s' : `${webhookLag} ms after the ledger`}`,
      );
    }
    log(`    CPU ms per completed checkout: ${describePerUnit(measured.spent, checkouts.ok)}`);
    log(
      `    platform total (services + postgres + rabbitmq) ${platformCpu.toFixed(2)} ms = ${(platformCpu / ceilingCpu).toFixed(1)}× the ceiling's ${ceilingCpu.toFixed(3)} ms`,
    );
    log("    (postgres: the platform databases' backends and the server's background processes; rabbitmq: the whole shared node)");
    log(`    PostgreSQL: ${describeCounters(countersBefore, countersAfter, checkouts.ok, 'checkout')}`);
    if (sink) {
      // The settle above is longer than a batch's delay (5 s): every measured checkout's spans are in.
      const perCheckout = sink.spanCount / Math.max(checkouts.ok, 1);
      log(
        `    traces: ${sink.spanCount} spans (${perCheckout.toFixed(1)} per checkout) in ${sink.exports} exports, ` +
          `${(sink.bytes / Math.max(checkouts.ok, 1) / 1024).toFixed(1)} KiB per checkout; by service and span:`,
      );
      for (const [name, count] of [...sink.spans].sort((a, b) => a[0].localeCompare(b[0])))
        log(`      ${name}  ${(count / Math.max(checkouts.ok, 1)).toFixed(2)}/checkout`);
    }
    const transactionsPerCheckout = (countersAfter.transactions - countersBefore.transactions) / Math.max(checkouts.ok, 1);
    log(
      `    transactions per checkout by database: ${describePerDatabase(countersBefore, countersAfter, checkouts.ok, (database) => database.slice(platform.names.prefix.length))}`,
    );

    if (server) {
      log('    statements per completed checkout by database (pg_stat_statements; calls × statement):');
      for (const database of databases) {
        log(`      ${database.slice(platform.names.prefix.length)}:`);
        for (const line of describeCallsPerUnit(await readStatements(admin, database), checkouts.ok)) log(`        ${line}`);
      }
    }

    // Open loop at fixed rates, the platform then the ceiling at the same rate.
    const openLoop: { load: number; platform: OpenLoopResult; ceiling: OpenLoopResult }[] = [];
    for (const load of OPEN_LOOP_LOADS) {
      const rate = load * checkouts.perSecond;
      const onPlatform = await runOpenLoop(rate, OPEN_LOOP_MS, async (i) => completed(await checkout(`open${load}`)(i)));
      const onCeiling = await runOpenLoop(rate, OPEN_LOOP_MS, async (i) => (await callCeiling(`open${load}`)(i)).status === 200);
      openLoop.push({ load, platform: onPlatform, ceiling: onCeiling });
      log(`  open loop at ${load * 100}% (${rate.toFixed(1)}/s): checkout ${describeOpenLoop(onPlatform)}`);
      log(`  ${' '.repeat(`open loop at ${load * 100}% (${rate.toFixed(1)}/s):`.length)} ceiling  ${describeOpenLoop(onCeiling)}`);
    }

    const quarter = openLoop[0];
    const [p99, ceilingP99] = [percentileOf(quarter.platform.latencies, 99), percentileOf(quarter.ceiling.latencies, 99)];
    const targets: Target[] = [
      {
        name: 'CPU per checkout vs ceiling',
        measured: `${platformCpu.toFixed(2)} ms vs ${ceilingCpu.toFixed(3)} ms = ${(platformCpu / ceilingCpu).toFixed(1)}×`,
        goal: '≤ 30×',
        met: platformCpu <= 30 * ceilingCpu,
      },
      {
        name: 'CPU per checkout vs baseline (issue 26)',
        measured: `${platformCpu.toFixed(2)} ms vs ${BASELINE_CPU_MS === undefined ? 'no BENCH_BASELINE_CHECKOUT_CPU_MS' : `${BASELINE_CPU_MS} ms = ${(platformCpu / BASELINE_CPU_MS).toFixed(2)}×`}`,
        goal: '≤ 0.5×',
        met: BASELINE_CPU_MS === undefined ? undefined : platformCpu <= 0.5 * BASELINE_CPU_MS,
      },
      {
        name: 'PostgreSQL transactions per checkout (issue 26)',
        measured: transactionsPerCheckout.toFixed(1),
        goal: '≤ 11',
        met: transactionsPerCheckout <= 11,
      },
      {
        name: 'open-loop p99 at 25% vs ceiling',
        measured: `${p99.toFixed(1)} ms vs ${ceilingP99.toFixed(1)} ms = ${(p99 / ceilingP99).toFixed(1)}×`,
        goal: '≤ 10×',
        met: p99 <= 10 * ceilingP99,
      },
      {
        name: `throughput at concurrency ${CONCURRENCY} vs baseline`,
        measured: `${checkouts.perSecond.toFixed(1)}/s vs ${BASELINE_PER_S === undefined ? 'no BENCH_BASELINE_CHECKOUTS_PER_S' : `${BASELINE_PER_S}/s = ${(checkouts.perSecond / BASELINE_PER_S).toFixed(2)}×`}`,
        goal: '≥ 2×',
        met: BASELINE_PER_S === undefined ? undefined : checkouts.perSecond >= 2 * BASELINE_PER_S,
      },
    ];
    printTargets(targets, log);
  } finally {
    // A failed checkout is a figure worth explaining: the services' own error lines, a few each.
    for (const service of SERVICES) {
      const errors = platform
        .output(service)
        .split('\n')
        .filter((line) => /error/i.test(line));
      if (errors.length > 0)
        log(`  ${service} logged ${errors.length} error lines, the first: ${errors.slice(0, 3).join(' | ').slice(0, 1_000)}`);
    }
    closeConnections();
    ceiling?.stop();
    receiver?.stop();
    sink?.close();
    const names = new Map(SERVICES.map((service) => [platform.pid(service), service]));
    await platform.stop();
    await admin.end();
    server?.destroy();
    if (profile) printProfiles(profile.dir, (pid) => names.get(pid), log);
  }
}

async function salesLedgerCatchUp(urlOf: UrlOf, merchantId: string, expected: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const ledger = await send(urlOf('merchant'), 'GET', `/merchants/${merchantId}/sales?last=0`);
    if (Number(ledger.body.count) >= expected) return Date.now() - started;
    await sleep(100);
  }
  return undefined;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
