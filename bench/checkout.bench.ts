/**
 * Completed checkouts per second and their latency at a fixed concurrency, through real processes
 * of Account, Merchant, Fraud, the payment-provider simulator (zero latency) and Checkout, each on
 * the benchmark's own database and vhost; beside it, the ceiling for the same call pattern on this
 * machine: a bare Node `http` handler making as many sequential keep-alive calls to a bare stub as
 * Checkout makes to other services per checkout. Prints figures; asserts nothing.
 *
 *   npm run bench:checkout        (BENCH_CHECKOUTS, BENCH_CONCURRENCY, BENCH_ACCOUNTS, BENCH_WARMUP)
 */
import { TestPlatform, freePort } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { UrlOf, checkoutBody, onboardMerchant, openAccount, postCheckout } from '../test/support/checkout-fixtures';
import { closeConnections, send } from '../test/support/http';
import { describeCpu, serviceCpuMs } from '../test/support/service-cpu';
import { LoadResult, describeLoad, runLoad } from './support/checkout-load';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 64);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
/** Account read, merchant read, assessment, authorise, charge, capture. */
const DOWNSTREAM_CALLS_PER_CHECKOUT = 6;
const UNIT_PRICE = 1_000;

async function benchCheckout(): Promise<LoadResult> {
  const platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], {
    FRAUD_VELOCITY_MAX_PER_MINUTE: '1000000',
    PROVIDER_LATENCY_MS: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    const urlOf: UrlOf = (service) => platform.url(service);
    const merchantId = await onboardMerchant(urlOf);
    const limit = Math.ceil(((CHECKOUTS + WARMUP) / ACCOUNTS) * 2 + 10) * UNIT_PRICE;
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(await openAccount(urlOf, limit));
    const run = `${Date.now()}`;
    const checkout = (phase: string) => (index: number) =>
      postCheckout(urlOf, `${run}-${phase}-${index}`, checkoutBody(accounts[index % ACCOUNTS], merchantId, UNIT_PRICE));
    const completed = (answer: { status: number; body: Record<string, unknown> }) =>
      answer.status === 200 && answer.body.status === 'completed';
    const warmup = await runLoad(WARMUP, CONCURRENCY, checkout('warmup'), completed);
    const cpuBefore = serviceCpuMs();
    const result = await runLoad(CHECKOUTS, CONCURRENCY, checkout('measured'), completed);
    const lag = await salesLedgerCatchUp(urlOf, merchantId, warmup.ok + result.ok);
    console.log(`  merchant sales ledger caught up ${lag === undefined ? 'not within 60 s' : `${lag} ms after the last checkout`}`);
    // Includes the queue consumers' catch-up, so it is the whole cost of a checkout, not only the request's.
    console.log(`  CPU ms per completed checkout: ${describeCpu(cpuBefore, serviceCpuMs(), Math.max(result.ok, 1))}`);
    return result;
  } finally {
    closeConnections();
    await platform.stop();
  }
}

async function salesLedgerCatchUp(urlOf: UrlOf, merchantId: string, expected: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const ledger = await send(urlOf('merchant'), 'GET', `/merchants/${merchantId}/sales?last=0`);
    if (Number(ledger.body.count) >= expected) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

async function startServer(args: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'support', 'checkout-ceiling-server.ts'), ...args],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  await once(child, 'message');
  return child;
}

async function benchCeiling(): Promise<LoadResult> {
  const [stubPort, frontPort] = [await freePort(), await freePort()];
  const servers = [await startServer(['stub', String(stubPort)])];
  servers.push(await startServer(['front', String(frontPort), String(stubPort), String(DOWNSTREAM_CALLS_PER_CHECKOUT)]));
  try {
    const url = `http://127.0.0.1:${frontPort}`;
    const body = checkoutBody('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', UNIT_PRICE);
    const call = (index: number) => send(url, 'POST', '/checkouts', body, { 'idempotency-key': `ceiling-${index}` });
    const ok = (answer: { status: number }) => answer.status === 200;
    await runLoad(WARMUP, CONCURRENCY, call, ok);
    return await runLoad(CHECKOUTS, CONCURRENCY, call, ok);
  } finally {
    servers.forEach((server) => server.kill());
    closeConnections();
  }
}

async function main(): Promise<void> {
  console.log(
    `checkout benchmark: ${CHECKOUTS} checkouts (after ${WARMUP} warm-up) at concurrency ${CONCURRENCY} over ${ACCOUNTS} accounts`,
  );
  const ceiling = await benchCeiling();
  console.log(`  ceiling  (bare http, ${DOWNSTREAM_CALLS_PER_CHECKOUT} sequential keep-alive calls)  ${describeLoad(ceiling)}`);
  const checkout = await benchCheckout();
  console.log(`  checkout (5 services, completed checkouts)            ${describeLoad(checkout)}`);
  const ratio = checkout.perSecond / ceiling.perSecond;
  console.log(`  ratio checkout/ceiling ${ratio.toFixed(2)} (target ≥ 0.50); p99 ${checkout.p99.toFixed(1)} ms (target ≤ 100 ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
