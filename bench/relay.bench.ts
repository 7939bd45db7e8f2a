import { deadLetterQueueOf, retryQueuesOf } from '@app/contracts';
import { declareConsumerQueue } from '@app/messaging';
import { ensureTestDatabase, storeDdl, testAmqpUrl, uniqueSuffix } from '@app/testing';
import * as amqp from 'amqplib';
import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { RelayProcess, compileRelayRunner } from '../libs/relay/src/test/relay-process';
import { prefillEvents } from './support/relay-events';
import { LatencyResult, measureBrokerFloor, measureLatency } from './support/relay-latency';
import { Throughput, perSecond, rawDeliver, rawRead } from './support/relay-raw-ceiling';

/**
 * `npm run bench:relay`: the outbox relay against the raw ceiling of the same work, in one run.
 * Prints figures; asserts nothing.
 *   (a) raw ceiling: bare `pg` batched reads + bare `amqplib` confirmed publishes, to 1 and to 3 quorum queues
 *   (b) the relay (in a child process) delivering the same 100,000 events to 1 and to 3 queues
 *   (c) commit-to-consumer latency p50/p99 at a steady 1,000 events/s through the relay, next to the
 *       broker's own publish-to-consumer floor at the same rate
 *   (d) the relay process's peak RSS (VmHWM)
 * Raw and relay passes alternate for BENCH_ROUNDS rounds; the best pass of each counts, so a burst
 * of load from elsewhere on the machine does not decide the ratio.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// A database of its own: the relay's commit frontier is shared with every writer of its database,
// so tests running meanwhile in the test database would otherwise show up in these figures.
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platform_bench';
const BATCH = 500;
const LATENCY_RATE = 1_000;
const PER_TRANSACTION = 5;
const LATENCY_MS = 10_000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const rateLine = (t: Throughput) =>
  `${Math.round(perSecond(t)).toLocaleString('en')} events/s (${t.events.toLocaleString('en')} in ${(t.elapsedMs / 1000).toFixed(2)} s)`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const best = (runs: Throughput[]) => runs.reduce((a, b) => (perSecond(b) > perSecond(a) ? b : a));

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

  const newQueues = async (count: number) => {
    const created = Array.from({ length: count }, () => `bench${uniqueSuffix()}.account-events`);
    for (const queue of created) await declareConsumerQueue(admin, queue);
    queues.push(...created);
    return created;
  };
  const rawPass = async (count: number) => {
    const names = await newQueues(count);
    const targets = await Promise.all(names.map(async (queue) => ({ channel: await amqpConnection.createConfirmChannel(), queue })));
    const result = await rawDeliver(pool, schema, targets, BATCH);
    for (const { channel, queue } of targets) {
      await channel.close();
      await admin.purgeQueue(queue);
    }
    return result;
  };
  const startRelay = async (routes: string[]) => {
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
    relays.push(relay);
    await relay.waitFor('leader', 60_000);
    return relay;
  };
  /** A relay process with fresh subscriptions delivers the whole history; timed from its leadership. */
  const relayPass = async (count: number) => {
    const names = await newQueues(count);
    const relay = await startRelay(names);
    const started = performance.now();
    while (publishedBy(relay) < count * EVENTS) {
      if (!relay.isRunning) throw new Error(`relay exited:\n${relay.output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = { events: count * EVENTS, elapsedMs: performance.now() - started };
    const rss = await relay.peakRssBytes();
    await relay.kill('SIGTERM');
    for (const queue of names) await admin.purgeQueue(queue);
    return { result, rss, queues: names };
  };

  try {
    log(`bench:relay — ${EVENTS.toLocaleString('en')} events, batches of ${BATCH}, ${ROUNDS} round(s), schema ${schema}`);
    const filled = performance.now();
    const { dataBytes } = await prefillEvents(pool, schema, EVENTS);
    log(`prefill: ${((performance.now() - filled) / 1000).toFixed(1)} s, event data ≈ ${dataBytes} bytes of JSON each`);

    log('\n(a) raw ceiling (bare pg + bare amqplib, confirms awaited per batch) and (b) the relay (child process)');
    log(`  raw read only:          ${rateLine(await rawRead(pool, schema, BATCH))}`);
    const raw1: Throughput[] = [];
    const relay1: Throughput[] = [];
    const raw3: Throughput[] = [];
    const relay3: Throughput[] = [];
    const rss: number[] = [];
    let caughtUpQueue = '';
    for (let round = 1; round <= ROUNDS; round++) {
      log(`  round ${round}`);
      raw1.push(await rawPass(1));
      log(`    raw, 1 queue:         ${rateLine(raw1.at(-1)!)}`);
      const single = await relayPass(1);
      relay1.push(single.result);
      rss.push(single.rss);
      caughtUpQueue = single.queues[0];
      log(`    relay, 1 queue:       ${rateLine(single.result)}`);
      raw3.push(await rawPass(3));
      log(`    raw, 3 queues:        ${rateLine(raw3.at(-1)!)} (deliveries)`);
      const triple = await relayPass(3);
      relay3.push(triple.result);
      rss.push(triple.rss);
      log(`    relay, 3 queues:      ${rateLine(triple.result)} (deliveries)`);
    }
    const ratio1 = perSecond(best(relay1)) / perSecond(best(raw1));
    const ratio3 = perSecond(best(relay3)) / perSecond(best(raw3));
    log(`  best of ${ROUNDS}: 1 queue relay/raw ${ratio1.toFixed(2)}, 3 queues relay/raw ${ratio3.toFixed(2)}`);

    log(
      `\n(c) commit-to-consumer latency at ${LATENCY_RATE.toLocaleString('en')} events/s (${LATENCY_RATE / PER_TRANSACTION} transactions/s of ${PER_TRANSACTION}) for ${LATENCY_MS / 1000} s`,
    );
    // The last single-queue subscription is caught up: this relay starts with nothing to replay.
    const steady = await startRelay([caughtUpQueue]);
    const latency = await measureSteadyLatency(pool, schema, amqpConnection, caughtUpQueue);
    rss.push(await steady.peakRssBytes());
    await steady.kill('SIGTERM');
    log(`  achieved ${Math.round(latency.achievedRate)} events/s, received ${latency.received}/${latency.sent}`);
    log(`  relay: p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`);
    log(
      `  from when the writers' older transactions had all ended (the frontier had passed): p50 ${ms(latency.afterReadableP50Ms!)}, p99 ${ms(latency.afterReadableP99Ms!)}`,
    );
    log(
      `  context: writers' COMMIT p99 ${ms(latency.commitP99Ms!)} (a slow commit holds the frontier for later ones), this process's event-loop delay p99 ${ms(latency.eventLoopDelayP99Ms!)}`,
    );
    const [floorQueue] = await newQueues(1);
    const floor = await measureFloor(amqpConnection, floorQueue);
    log(`  broker floor (bare publish → bare consumer, same rate, no database): p50 ${ms(floor.p50Ms)}, p99 ${ms(floor.p99Ms)}`);

    log('\n(d) relay process peak RSS (VmHWM)');
    log(`  per relay process: ${rss.map(mb).join(', ')} (the last one ran the steady 1,000/s)`);

    log('\nsummary');
    log(`  relay/raw, 1 queue:   ${ratio1.toFixed(2)} (target ≥ 0.8)`);
    log(`  relay/raw, 3 queues:  ${ratio3.toFixed(2)} (target ≥ 0.8)`);
    log(`  p99 at 1,000/s:       ${ms(latency.p99Ms)} (target ≤ 25 ms; broker floor ${ms(floor.p99Ms)})`);
    log(`  peak RSS:             ${mb(Math.max(...rss))} (target ≤ 200 MB)`);
  } finally {
    for (const relay of relays) await relay.kill('SIGKILL');
    await amqpConnection.close().catch(() => undefined);
    await deleteQueues(queues);
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    rmSync(compiled, { recursive: true, force: true });
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

async function measureSteadyLatency(pool: Pool, schema: string, connection: amqp.ChannelModel, queue: string): Promise<LatencyResult> {
  const channel = await connection.createChannel();
  try {
    return await measureLatency({
      pool,
      schema,
      channel,
      queue,
      ratePerSecond: LATENCY_RATE,
      eventsPerTransaction: PER_TRANSACTION,
      durationMs: LATENCY_MS,
      warmUpMs: 1_000,
    });
  } finally {
    await channel.close();
  }
}

async function measureFloor(connection: amqp.ChannelModel, queue: string): Promise<LatencyResult> {
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  try {
    return await measureBrokerFloor({
      publisher,
      consumer,
      queue,
      ratePerSecond: LATENCY_RATE,
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
