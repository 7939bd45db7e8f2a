import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { declareConsumerQueue } from '@app/messaging';
import { PrivatePostgres, ensureTestDatabase, storeDdl, testAmqpUrl, uniqueSuffix } from '@app/testing';
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
import { breakdown, parseStageTraces } from './support/relay-breakdown';
import { StatementCounts, describeStatements, readStatements, resetStatements, summarise } from './support/statement-counts';

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
 *   (e) another consumer's delivery p95 while a subscription registered at run time backfills the history,
 *       and the pace that backfill reaches against its configured rate
 * with the CPU per delivery of every process: the relay (or this process for the raw passes),
 * PostgreSQL and RabbitMQ. `-- --cpu-prof` profiles the relay processes.
 * Raw and relay passes alternate for BENCH_ROUNDS rounds; the best pass of each counts, so a burst
 * of load from elsewhere on the machine does not decide the ratio.
 * Unless BENCH_DATABASE_URL names one, the bench runs its own PostgreSQL server (PrivatePostgres) with
 * pg_stat_statements loaded, so it counts the relay's statements per batch and no other work on the
 * shared server shows up in the database's CPU figures. The latency passes trace every event from
 * its COMMIT to the consumer's ack and print the breakdown per stage.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// A database of its own: the relay's commit frontier is shared with every writer of its database,
// so tests running meanwhile in the test database would otherwise show up in these figures.
const GIVEN_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const DATABASE = 'platform_bench';
const BATCH = 500;
const BEST_BATCH = 1_000;
const LATENCY_RATES = [1_000, 5_000];
const PER_TRANSACTION = 5;
const LATENCY_MS = 10_000;
/** A latency pass holds its rate when it commits at least this share of it. */
const HELD_RATE = 0.95;

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

/** Cleans up what outlives this process (the private server) when the bench gives up. */
let giveUp = (): void => undefined;

async function main(): Promise<void> {
  setTimeout(() => {
    process.stderr.write('bench:relay gave up after 15 minutes\n');
    giveUp();
    process.exit(2);
  }, 15 * 60_000).unref();

  const server = GIVEN_DATABASE_URL
    ? undefined
    : await PrivatePostgres.start({ shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' });
  const DATABASE_URL = GIVEN_DATABASE_URL ?? server!.url(DATABASE);
  const databaseName = new URL(DATABASE_URL).pathname.slice(1);
  giveUp = () => server?.destroy();
  await ensureTestDatabase(DATABASE_URL);
  const schema = `bench_${uniqueSuffix()}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 16 });
  for (const statement of storeDdl(schema)) await pool.query(statement);
  const countsStatements = await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
    () => pool.query('SELECT 1 FROM pg_stat_statements LIMIT 1').then(() => true),
    () => false,
  );
  const amqpConnection = await amqp.connect(testAmqpUrl(), { noDelay: true });
  const admin = await amqpConnection.createChannel();
  const queues: string[] = [];
  const relays: RelayProcess[] = [];
  // The relay runs as compiled JavaScript, as inside a service, so ts-node's compiler is not in its memory.
  const compiled = compileRelayRunner();
  const profile = profiling ? profilingEnv() : undefined;
  const relayNames = new Map<number, string>();
  const postgres = async () => [...(await backendPids(pool, [databaseName])), ...(await backgroundPids(pool))];
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
    if (countsStatements) await resetStatements(pool);
    const before = await readCpu(rawGroups);
    const result = await rawDeliver(pool, schema, targets, batch, durableCursor);
    const spent = cpuSpent(before, await readCpu(rawGroups));
    const statements = countsStatements ? await readStatements(pool, databaseName) : undefined;
    for (const { channel, queue } of targets) {
      await channel.close();
      await admin.purgeQueue(queue);
    }
    return { result, spent, statements };
  };
  const startRelay = async (routes: string[], name: string, traceStages = false) => {
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
        traceStages,
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
    if (countsStatements) await resetStatements(pool);
    const before = await readCpu(groups);
    const started = performance.now();
    while (publishedBy(relay) < count * EVENTS) {
      if (!relay.isRunning) throw new Error(`relay exited:\n${relay.output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = { events: count * EVENTS, elapsedMs: performance.now() - started };
    const spent = cpuSpent(before, await readCpu(groups));
    const statements = countsStatements ? await readStatements(pool, databaseName) : undefined;
    const rss = await relay.peakRssBytes();
    await relay.kill('SIGTERM');
    for (const queue of names) await admin.purgeQueue(queue);
    return { result, rss, queues: names, spent, statements };
  };

  try {
    log(`bench:relay — ${EVENTS.toLocaleString('en')} events, batches of ${BATCH}, ${ROUNDS} round(s), schema ${schema}`);
    log(
      server
        ? `database: a private PostgreSQL server on port ${server.port} (pg_stat_statements loaded)`
        : `database: ${GIVEN_DATABASE_URL}${countsStatements ? '' : ' (statements not counted: pg_stat_statements is not loaded there)'}`,
    );
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
    /** PostgreSQL CPU µs per delivery, the lowest of the rounds (the least disturbed), per pass name. */
    const postgresCpu = new Map<string, number>();
    const notePostgres = (name: string, spent: Map<string, number>, deliveries: number) => {
      const perDelivery = ((spent.get('postgres') ?? NaN) * 1_000) / deliveries;
      postgresCpu.set(name, Math.min(postgresCpu.get(name) ?? Infinity, perDelivery));
    };
    const statementsOf = new Map<string, StatementCounts>();
    for (let round = 1; round <= ROUNDS; round++) {
      log(`  round ${round}`);
      for (const count of [1, 3]) {
        for (const variant of variants) {
          const raw = await rawPass(count, variant.batch, variant.durable);
          record(`${variant.name}, ${count}`, raw.result);
          log(`    ${`${variant.name}, ${count} queue(s):`.padEnd(52)} ${rateLine(raw.result)}`);
          log(`      ${cpuLine(raw.spent, raw.result.events)}`);
          notePostgres(`${variant.name}, ${count}`, raw.spent, raw.result.events);
          if (raw.statements) {
            statementsOf.set(`${variant.name}, ${count}`, raw.statements);
            log(`      ${describeStatements(raw.statements, raw.result.events)}`);
          }
        }
        const pass = await relayPass(count, round);
        record(`relay, ${count}`, pass.result);
        rss.push(pass.rss);
        if (count === 1) caughtUpQueue = pass.queues[0];
        log(`    ${`relay, ${count} queue(s):`.padEnd(52)} ${rateLine(pass.result)}`);
        log(`      ${cpuLine(pass.spent, pass.result.events)}`);
        notePostgres(`relay, ${count}`, pass.spent, pass.result.events);
        if (pass.statements) {
          statementsOf.set(`relay, ${count}`, pass.statements);
          log(`      ${describeStatements(pass.statements, pass.result.events)}`);
        }
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
    const steady = await startRelay([caughtUpQueue], 'relay, steady latency', true);
    for (const rate of LATENCY_RATES) {
      log(
        `\n(c) commit-to-consumer latency at ${rate.toLocaleString('en')} events/s (${rate / PER_TRANSACTION} transactions/s of ${PER_TRANSACTION}) for ${LATENCY_MS / 1000} s`,
      );
      const traced = steady.output.length;
      const latency = await measureSteadyLatency(pool, schema, amqpConnection, caughtUpQueue, rate);
      // The runner prints its traces every 250 ms: wait for those of the last batches.
      await new Promise((r) => setTimeout(r, 600));
      const held = latency.achievedRate >= HELD_RATE * rate;
      log(
        `  achieved ${Math.round(latency.achievedRate)} events/s${held ? '' : ` — the writers could NOT hold ${rate}/s`}, received ${latency.received}/${latency.sent}` +
          (latency.received < latency.sent ? ` — ${latency.sent - latency.received} did NOT arrive within 10 s of the load's end` : ''),
      );
      log(`  relay: p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`);
      log(
        `  from when the writers' older transactions had all ended (the frontier had passed): p50 ${ms(latency.afterReadableP50Ms!)}, p99 ${ms(latency.afterReadableP99Ms!)}`,
      );
      log(
        `  context: writers' COMMIT p99 ${ms(latency.commitP99Ms!)} (a slow commit holds the frontier for later ones), this process's event-loop delay p99 ${ms(latency.eventLoopDelayP99Ms!)}`,
      );
      const stages = breakdown(latency.events ?? [], parseStageTraces(steady.output, traced));
      log(
        `  breakdown per event (${stages.batches} batches carried them, ${stages.meanBatch.toFixed(1)} events each on average; ${stages.untraced} not traced or not arrived):`,
      );
      for (const { stage, p50Ms, p99Ms } of stages.stages)
        log(`    ${stage.padEnd(46)} p50 ${ms(p50Ms).padStart(9)}  p99 ${ms(p99Ms).padStart(9)}`);
      const [floorQueue] = await newQueues(1);
      const floor = await measureFloor(amqpConnection, floorQueue, rate);
      log(
        `  broker floor (bare publish → bare consumer, same rate, no database): p50 ${ms(floor.p50Ms)}, p99 ${ms(floor.p99Ms)} (achieved ${Math.round(floor.achievedRate)} events/s, received ${floor.received}/${floor.sent})`,
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
      deliveredTo: async (queue) => (await admin.checkQueue(queue)).messageCount,
    });
    for (const [name, result] of [
      ['before', neighbour.baseline],
      ['during', neighbour.duringBackfill],
    ] as const)
      log(
        `  ${name}: p50 ${ms(result.p50Ms)}, p95 ${ms(result.p95Ms)}, p99 ${ms(result.p99Ms)} (received ${result.received}/${result.sent})`,
      );
    log(`  backfill events still to go when the measurement ended: ${neighbour.backfillRemaining} (above 0: it ran throughout)`);
    const pace = neighbour.backfillDelivered / (neighbour.backfillElapsedMs / 1_000);
    log(
      `  backfill pace: ${Math.round(pace)} events/s (${neighbour.backfillDelivered} in ${(neighbour.backfillElapsedMs / 1000).toFixed(1)} s) against its ${BACKFILL_RATE}/s`,
    );

    const bestBare = variants[2];
    const peak = Math.max(...rss);
    const postgresRatio = (count: number) => postgresCpu.get(`relay, ${count}`)! / postgresCpu.get(`${bestBare.name}, ${count}`)!;
    const statementsPerRead = (name: string) => {
      const counted = statementsOf.get(name);
      if (!counted) return 'not counted';
      const { statements, reads } = summarise(counted);
      return `${(statements / Math.max(reads, 1)).toFixed(2)} statements per batch read`;
    };
    const targets: Target[] = [
      ...[1, 3].map((count) => ({
        name: `relay/raw, ${count} queue(s)`,
        measured: `${ratio(count, bestBare).toFixed(2)} (${Math.round(bestOf(`relay, ${count}`))} vs ${Math.round(bestOf(`${bestBare.name}, ${count}`))} events/s, ${bestBare.name})`,
        goal: '≥ 0.9',
        met: ratio(count, bestBare) >= 0.9,
      })),
      ...[1, 3].map((count) => ({
        name: `PostgreSQL CPU per delivery, ${count} queue(s)`,
        measured: `${postgresRatio(count).toFixed(2)}× (relay ${postgresCpu.get(`relay, ${count}`)!.toFixed(1)} µs vs best bare ${postgresCpu.get(`${bestBare.name}, ${count}`)!.toFixed(1)} µs; relay ${statementsPerRead(`relay, ${count}`)}, bare ${statementsPerRead(`${bestBare.name}, ${count}`)})`,
        goal: '≤ 1.5× best bare',
        met: postgresRatio(count) <= 1.5,
      })),
      ...latencies.map(({ rate, relay, floor }) => {
        const lost = relay.sent - relay.received;
        const held = relay.achievedRate >= HELD_RATE * rate;
        // The machine itself cannot carry the rate when the broker's own floor is over a second.
        const machineHolds = floor.p99Ms <= 1_000 && floor.received === floor.sent;
        return {
          name: `p99 commit→consumer at ${rate.toLocaleString('en')}/s`,
          measured:
            `${ms(relay.p99Ms)} vs broker floor ${ms(floor.p99Ms)} = ${(relay.p99Ms / floor.p99Ms).toFixed(1)}×; ` +
            `${relay.received}/${relay.sent} arrived${lost > 0 ? ` (${lost} did not)` : ''}; writers ${held ? 'held' : 'could not hold'} the rate (${Math.round(relay.achievedRate)}/s)` +
            (machineHolds ? '' : '; the broker floor itself did not hold it on this machine'),
          goal: '≤ 3× floor, every event delivered',
          met: relay.p99Ms <= 3 * floor.p99Ms && lost === 0 && held,
        };
      }),
      { name: 'relay peak RSS', measured: mb(peak), goal: '≤ 150 MB', met: peak <= 150 * 1024 * 1024 },
      {
        name: 'other consumer p95 during a backfill',
        measured: `${ms(neighbour.duringBackfill.p95Ms)} (before it ${ms(neighbour.baseline.p95Ms)}) = ${(neighbour.duringBackfill.p95Ms / neighbour.baseline.p95Ms).toFixed(1)}×`,
        goal: '≤ 2× before',
        met: neighbour.duringBackfill.p95Ms <= 2 * neighbour.baseline.p95Ms,
      },
      {
        name: 'backfill pace',
        measured: `${Math.round(pace)} events/s = ${(pace / BACKFILL_RATE).toFixed(2)} of its ${BACKFILL_RATE}/s`,
        goal: '≥ 0.8 of its pace',
        met: pace >= 0.8 * BACKFILL_RATE,
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
    server?.destroy();
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
