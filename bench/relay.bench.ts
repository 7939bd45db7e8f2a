import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { declareConsumerQueue } from '@app/messaging';
import { ensureTestDatabase, storeDdl, testAmqpUrl, uniqueSuffix } from '@app/testing';
import * as amqp from 'amqplib';
import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { RelayProcess, compileRelayRunner } from '../libs/relay/src/test/relay-process';
import { printProfiles, profiling, profilingEnv, startProfiling } from './support/cpu-profile';
import { backendPids, backgroundPids } from './support/pg-activity';
import { ProcessGroups, cpuSpent, describePerUnit, rabbitPids, readCpu, totalOf } from '../test/support/process-cpu';
import { prefillEvents } from './support/relay-events';
import { LatencyResult, measureBrokerFloor, measureLatency } from './support/relay-latency';
import { Throughput, perSecond, rawDeliver, rawRead } from './support/relay-raw-ceiling';
import { Target, printTargets } from './support/targets';
import { BACKFILL_RATE, NEIGHBOUR_RATE, measureBackfillNeighbour } from './support/backfill-neighbour';

/**
 * `npm run bench:relay`: the outbox relay against the raw ceiling of the same work, in one run.
 * Prints figures; asserts nothing.
 *   (a) raw ceiling: bare `pg` batched reads + bare `amqplib` confirmed publishes, to 1 and to 3 quorum queues:
 *       today's baseline (the relay's batch of 500, cursor in memory), 1,000 per batch with the cursor
 *       in memory, and the best bare strategy with the relay's guarantees (1,000 per batch, durable cursor)
 *   (b) the relay (in a child process) delivering the same 100,000 events to 1 and to 3 queues
 *   (c) commit-to-consumer latency p50/p99 at steady 1,000 and 5,000 events/s through the relay, next
 *       to the broker's own publish-to-consumer floor at the same rates
 *   (d) the relay process's peak RSS (VmHWM)
 *   (e) another consumer's delivery p95 while a subscription registered at run time backfills the history
 * with the CPU per delivery of every process: the relay (or this process for the raw passes),
 * PostgreSQL and RabbitMQ. `-- --cpu-prof` profiles the relay processes.
 * Raw and relay passes alternate for BENCH_ROUNDS rounds; the best pass of each counts, so a burst
 * of load from elsewhere on the machine does not decide the ratio.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// A database of its own: the relay's commit frontier is shared with every writer of its database,
// so tests running meanwhile in the test database would otherwise show up in these figures.
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platform_bench';
const BATCH = 500;
const BEST_BATCH = 1_000;
const LATENCY_RATES = [1_000, 5_000];
const PER_TRANSACTION = 5;
const LATENCY_MS = 10_000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const rateLine = (t: Throughput) =>
  `${Math.round(perSecond(t)).toLocaleString('en')} events/s (${t.events.toLocaleString('en')} in ${(t.elapsedMs / 1000).toFixed(2)} s)`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const best = (runs: Throughput[]) => runs.reduce((a, b) => (perSecond(b) > perSecond(a) ? b : a));
const cpuLine = (spent: Map<string, number>, deliveries: number) =>
  `CPU µs per delivery: ${describePerUnit(new Map([...spent].map(([name, ms]) => [name, ms * 1_000])), deliveries, 1)}; ` +
  `total ${((totalOf(spent, [...spent.keys()]) * 1_000) / deliveries).toFixed(1)}`;

const publishedBy = (relay: RelayProcess): number => {
  const lines = relay.output.match(/relay-runner: published \d+/g);
  return lines ? Number(lines[lines.length - 1].split(' ').pop()) : 0;
};

async function main(): Promise<void> {
  setTimeout(() => {
    process.stderr.write('bench:relay gave up after 10 minutes\n');
    process.exit(2);
  }, 10 * 60_000).unref();

  await ensureTestDatabase(DATABASE_URL);
  const schema = `bench_${uniqueSuffix()}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 16 });
  for (const statement of storeDdl(schema)) await pool.query(statement);
  const amqpConnection = await amqp.connect(testAmqpUrl(), { noDelay: true });
  const admin = await amqpConnection.createChannel();
  const queues: string[] = [];
  const relays: RelayProcess[] = [];
  // The relay runs as compiled JavaScript, as inside a service, so ts-node's compiler is not in its memory.
  const compiled = compileRelayRunner();
  const profile = profiling ? profilingEnv() : undefined;
  const relayNames = new Map<number, string>();
  const postgres = async () => [...(await backendPids(pool, [new URL(DATABASE_URL).pathname.slice(1)])), ...(await backgroundPids(pool))];
  const rawGroups: ProcessGroups = { client: () => [process.pid], postgres, rabbitmq: rabbitPids };

  const newQueues = async (count: number) => {
    const created = Array.from({ length: count }, () => `bench${uniqueSuffix()}.account-events`);
    for (const queue of created) await declareConsumerQueue(admin, queue);
    queues.push(...created);
    return created;
  };
  const rawPass = async (count: number, batch: number, durableCursor: boolean) => {
    const names = await newQueues(count);
    const targets = await Promise.all(names.map(async (queue) => ({ channel: await amqpConnection.createConfirmChannel(), queue })));
    const before = await readCpu(rawGroups);
    const result = await rawDeliver(pool, schema, targets, batch, durableCursor);
    const spent = cpuSpent(before, await readCpu(rawGroups));
    for (const { channel, queue } of targets) {
      await channel.close();
      await admin.purgeQueue(queue);
    }
    return { result, spent };
  };
  const startRelay = async (routes: string[], name: string) => {
    // The child takes its environment from this process's: profiling options go in for its start only.
    const nodeOptions = process.env.NODE_OPTIONS;
    if (profile) process.env.NODE_OPTIONS = profile.env.NODE_OPTIONS;
    const relay = RelayProcess.start(
      {
        name: `bench-relay-${relays.length}`,
        databaseUrl: DATABASE_URL,
        amqpUrl: testAmqpUrl(),
        schema,
        producer: 'account',
        routes: routes.map((queue) => ({ queue, eventTypes: null })),
        batchSize: BATCH,
      },
      compiled,
    );
    if (profile) process.env.NODE_OPTIONS = nodeOptions ?? '';
    relayNames.set(relay.pid, name);
    relays.push(relay);
    await relay.waitFor('leader', 60_000);
    if (profile) startProfiling([relay.pid]);
    return relay;
  };
  /** A relay process with fresh subscriptions delivers the whole history; timed from its leadership. */
  const relayPass = async (count: number, round: number) => {
    const names = await newQueues(count);
    const relay = await startRelay(names, `relay, ${count} queue(s), round ${round}`);
    const groups: ProcessGroups = { relay: () => [relay.pid], postgres, rabbitmq: rabbitPids };
    const before = await readCpu(groups);
    const started = performance.now();
    while (publishedBy(relay) < count * EVENTS) {
      if (!relay.isRunning) throw new Error(`relay exited:\n${relay.output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = { events: count * EVENTS, elapsedMs: performance.now() - started };
    const spent = cpuSpent(before, await readCpu(groups));
    const rss = await relay.peakRssBytes();
    await relay.kill('SIGTERM');
    for (const queue of names) await admin.purgeQueue(queue);
    return { result, rss, queues: names, spent };
  };

  try {
    log(`bench:relay — ${EVENTS.toLocaleString('en')} events, batches of ${BATCH}, ${ROUNDS} round(s), schema ${schema}`);
    const filled = performance.now();
    const { dataBytes } = await prefillEvents(pool, schema, EVENTS);
    log(`prefill: ${((performance.now() - filled) / 1000).toFixed(1)} s, event data ≈ ${dataBytes} bytes of JSON each`);

    log('\n(a) raw ceiling (bare pg + bare amqplib) and (b) the relay (child process)');
    log(`  raw read only:          ${rateLine(await rawRead(pool, schema, BATCH))}`);
    const variants = [
      { name: `raw today (${BATCH}/batch, cursor in memory)`, batch: BATCH, durable: false },
      { name: `raw ${BEST_BATCH}/batch, cursor in memory`, batch: BEST_BATCH, durable: false },
      { name: `raw best bare (${BEST_BATCH}/batch, durable cursor)`, batch: BEST_BATCH, durable: true },
    ];
    const runs = new Map<string, Throughput[]>();
    const record = (name: string, result: Throughput) => runs.set(name, [...(runs.get(name) ?? []), result]);
    const rss: number[] = [];
    let caughtUpQueue = '';
    for (let round = 1; round <= ROUNDS; round++) {
      log(`  round ${round}`);
      for (const count of [1, 3]) {
        for (const variant of variants) {
          const raw = await rawPass(count, variant.batch, variant.durable);
          record(`${variant.name}, ${count}`, raw.result);
          log(`    ${`${variant.name}, ${count} queue(s):`.padEnd(52)} ${rateLine(raw.result)}`);
          log(`      ${cpuLine(raw.spent, raw.result.events)}`);
        }
        const pass = await relayPass(count, round);
        record(`relay, ${count}`, pass.result);
        rss.push(pass.rss);
        if (count === 1) caughtUpQueue = pass.queues[0];
        log(`    ${`relay, ${count} queue(s):`.padEnd(52)} ${rateLine(pass.result)}`);
        log(`      ${cpuLine(pass.spent, pass.result.events)}`);
      }
    }
    const bestOf = (name: string) => perSecond(best(runs.get(name)!));
    const ratio = (count: number, raw: (typeof variants)[number]) => bestOf(`relay, ${count}`) / bestOf(`${raw.name}, ${count}`);
    for (const count of [1, 3]) {
      log(
        `  best of ${ROUNDS}, ${count} queue(s): relay/raw ${variants.map((v) => `${ratio(count, v).toFixed(2)} against ${v.name}`).join('; ')}`,
      );
    }

    const latencies: { rate: number; relay: LatencyResult; floor: LatencyResult }[] = [];
    // The last single-queue subscription is caught up: this relay starts with nothing to replay.
    const steady = await startRelay([caughtUpQueue], 'relay, steady latency');
    for (const rate of LATENCY_RATES) {
      log(
        `\n(c) commit-to-consumer latency at ${rate.toLocaleString('en')} events/s (${rate / PER_TRANSACTION} transactions/s of ${PER_TRANSACTION}) for ${LATENCY_MS / 1000} s`,
      );
      const latency = await measureSteadyLatency(pool, schema, amqpConnection, caughtUpQueue, rate);
      log(`  achieved ${Math.round(latency.achievedRate)} events/s, received ${latency.received}/${latency.sent}`);
      log(`  relay: p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`);
      log(
        `  from when the writers' older transactions had all ended (the frontier had passed): p50 ${ms(latency.afterReadableP50Ms!)}, p99 ${ms(latency.afterReadableP99Ms!)}`,
      );
      log(
        `  context: writers' COMMIT p99 ${ms(latency.commitP99Ms!)} (a slow commit holds the frontier for later ones), this process's event-loop delay p99 ${ms(latency.eventLoopDelayP99Ms!)}`,
      );
      const [floorQueue] = await newQueues(1);
      const floor = await measureFloor(amqpConnection, floorQueue, rate);
      log(
        `  broker floor (bare publish → bare consumer, same rate, no database): p50 ${ms(floor.p50Ms)}, p99 ${ms(floor.p99Ms)} (achieved ${Math.round(floor.achievedRate)} events/s)`,
      );
      latencies.push({ rate, relay: latency, floor });
    }
    rss.push(await steady.peakRssBytes());
    await steady.kill('SIGTERM');

    log('\n(d) relay process peak RSS (VmHWM)');
    log(`  per relay process: ${rss.map(mb).join(', ')} (the last one ran the steady latency passes)`);

    log(`\n(e) another consumer at ${NEIGHBOUR_RATE} events/s while a new subscription backfills the history at ${BACKFILL_RATE}/s`);
    const [backfillQueue] = await newQueues(1);
    const neighbour = await measureBackfillNeighbour({
      databaseUrl: DATABASE_URL,
      amqpUrl: testAmqpUrl(),
      schema,
      neighbourQueue: caughtUpQueue,
      backfillQueue,
      measure: (queue, rate) => measureSteadyLatency(pool, schema, amqpConnection, queue, rate),
    });
    for (const [name, result] of [
      ['before', neighbour.baseline],
      ['during', neighbour.duringBackfill],
    ] as const)
      log(
        `  ${name}: p50 ${ms(result.p50Ms)}, p95 ${ms(result.p95Ms)}, p99 ${ms(result.p99Ms)} (received ${result.received}/${result.sent})`,
      );
    log(`  backfill events still to go when the measurement ended: ${neighbour.backfillRemaining} (above 0: it ran throughout)`);
    const neighbourBound = Math.max(3 * neighbour.baseline.p95Ms, 250);

    const bestBare = variants[2];
    const peak = Math.max(...rss);
    const targets: Target[] = [
      ...[1, 3].map((count) => ({
        name: `relay/raw, ${count} queue(s)`,
        measured: `${ratio(count, bestBare).toFixed(2)} (${Math.round(bestOf(`relay, ${count}`))} vs ${Math.round(bestOf(`${bestBare.name}, ${count}`))} events/s, ${bestBare.name})`,
        goal: '≥ 0.9',
        met: ratio(count, bestBare) >= 0.9,
      })),
      ...latencies.map(({ rate, relay, floor }) => ({
        name: `p99 commit→consumer at ${rate.toLocaleString('en')}/s`,
        measured: `${ms(relay.p99Ms)} vs broker floor ${ms(floor.p99Ms)} = ${(relay.p99Ms / floor.p99Ms).toFixed(1)}×`,
        goal: '≤ 3× floor',
        met: relay.p99Ms <= 3 * floor.p99Ms,
      })),
      { name: 'relay peak RSS', measured: mb(peak), goal: '≤ 150 MB', met: peak <= 150 * 1024 * 1024 },
      {
        name: 'other consumer p95 during a backfill',
        measured: `${ms(neighbour.duringBackfill.p95Ms)} (before it ${ms(neighbour.baseline.p95Ms)})`,
        goal: '≤ max(3× before, 250 ms)',
        met: neighbour.duringBackfill.p95Ms <= neighbourBound,
      },
    ];
    printTargets(targets, log);
  } finally {
    for (const relay of relays) await relay.kill('SIGKILL');
    await amqpConnection.close().catch(() => undefined);
    await deleteQueues(queues);
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    rmSync(compiled, { recursive: true, force: true });
    if (profile) printProfiles(profile.dir, (pid) => relayNames.get(pid), log);
  }
}

/** On a connection of its own, so the queues go even when the broker dropped the bench's connection. */
async function deleteQueues(queues: readonly string[]): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      const connection = await amqp.connect(testAmqpUrl());
      try {
        const channel = await connection.createChannel();
        for (const queue of queues) {
          for (const name of [queue, ...retryQueuesOf(queue), deadLetterQueueOf(queue)]) await channel.deleteQueue(name);
        }
        return;
      } finally {
        await connection.close().catch(() => undefined);
      }
    } catch (error) {
      if (attempt === 10) process.stderr.write(`could not delete the bench queues: ${(error as Error).message}\n`);
      else await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}

async function measureSteadyLatency(
  pool: Pool,
  schema: string,
  connection: amqp.ChannelModel,
  queue: string,
  ratePerSecond: number,
): Promise<LatencyResult> {
  const channel = await connection.createChannel();
  try {
    return await measureLatency({
      pool,
      schema,
      channel,
      queue,
      ratePerSecond,
      eventsPerTransaction: PER_TRANSACTION,
      durationMs: LATENCY_MS,
      warmUpMs: 1_000,
    });
  } finally {
    await channel.close();
  }
}

async function measureFloor(connection: amqp.ChannelModel, queue: string, ratePerSecond: number): Promise<LatencyResult> {
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  try {
    return await measureBrokerFloor({
      publisher,
      consumer,
      queue,
      ratePerSecond,
      perPublish: PER_TRANSACTION,
      durationMs: 5_000,
    });
  } finally {
    await publisher.close();
    await consumer.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:relay failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
