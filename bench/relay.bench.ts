import { deadLetterQueueOf, retryQueueOf } from '@app/contracts';
import { declareConsumerQueue } from '@app/messaging';
import { freshEventStore, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import * as amqp from 'amqplib';
import { Pool } from 'pg';
import { rmSync } from 'node:fs';
import { RelayProcess, compileRelayRunner } from '../libs/relay/src/test/relay-process';
import { prefillEvents } from './support/relay-events';
import { measureBrokerFloor, measureLatency } from './support/relay-latency';
import { Throughput, perSecond, rawDeliver, rawRead } from './support/relay-raw-ceiling';

/**
 * `npm run bench:relay`: the outbox relay against the raw ceiling of the same work, in one run.
 * Prints figures; asserts nothing.
 *   (a) raw ceiling: bare `pg` batched reads + bare `amqplib` confirmed publishes, to 1 and to 3 quorum queues
 *   (b) the relay (in a child process) delivering the same 100,000 events to 1 and to 3 queues
 *   (c) commit-to-consumer latency p50/p99 at a steady 1,000 events/s through the relay, next to the
 *       broker's own publish-to-consumer floor at the same rate
 *   (d) the relay process's peak RSS (VmHWM)
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const BATCH = 500;
const LATENCY_RATE = 1_000;
const LATENCY_MS = 10_000;
const PER_TRANSACTION = 5;

const log = (line: string) => process.stdout.write(`${line}\n`);
const rateLine = (t: Throughput) => `${Math.round(perSecond(t)).toLocaleString('en')} events/s (${t.events.toLocaleString('en')} in ${(t.elapsedMs / 1000).toFixed(2)} s)`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const publishedBy = (relay: RelayProcess): number => {
  const lines = relay.output.match(/relay-runner: published \d+/g);
  return lines ? Number(lines[lines.length - 1].split(' ').pop()) : 0;
};

async function main(): Promise<void> {
  setTimeout(() => {
    process.stderr.write('bench:relay gave up after 10 minutes\n');
    process.exit(2);
  }, 10 * 60_000).unref();

  const { schema, dataSource } = await freshEventStore('bench');
  await dataSource.destroy();
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 16 });
  const amqpConnection = await amqp.connect(testAmqpUrl());
  const admin = await amqpConnection.createChannel();
  const suffix = uniqueSuffix();
  const queues = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `bench${suffix}q${n}.account-events`);
  for (const queue of queues) await declareConsumerQueue(admin, queue);
  const relays: RelayProcess[] = [];
  // The relay runs as compiled JavaScript, as inside a service, so ts-node's compiler is not in its memory.
  const compiled = compileRelayRunner();

  const rawToQueues = async (names: string[]) => {
    const targets = await Promise.all(names.map(async (queue) => ({ channel: await amqpConnection.createConfirmChannel(), queue })));
    const result = await rawDeliver(pool, schema, targets, BATCH);
    for (const { channel, queue } of targets) {
      await channel.close();
      await admin.purgeQueue(queue);
    }
    return result;
  };
  const runRelay = async (routes: string[]) => {
    const relay = RelayProcess.start({
      name: `bench-relay-${relays.length}`, databaseUrl: testDatabaseUrl(), amqpUrl: testAmqpUrl(), schema,
      producer: 'account', routes: routes.map((queue) => ({ queue, eventTypes: null })), batchSize: BATCH,
    }, compiled);
    relays.push(relay);
    await relay.waitFor('leader', 60_000);
    return relay;
  };
  const relayDeliver = async (relay: RelayProcess, expected: number): Promise<Throughput> => {
    const started = performance.now();
    while (publishedBy(relay) < expected) {
      if (!relay.isRunning) throw new Error(`relay exited:\n${relay.output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { events: expected, elapsedMs: performance.now() - started };
  };

  try {
    log(`bench:relay — ${EVENTS.toLocaleString('en')} events, batches of ${BATCH}, schema ${schema}`);
    const filled = performance.now();
    const { dataBytes } = await prefillEvents(pool, schema, EVENTS);
    log(`prefill: ${((performance.now() - filled) / 1000).toFixed(1)} s, event data ≈ ${dataBytes} bytes of JSON each`);

    // Each raw figure is taken right before the relay's on the same work, so load drifts hit both alike.
    log('\n(a) raw ceiling (bare pg + bare amqplib, confirms awaited per batch) and (b) the relay (child process)');
    const read = await rawRead(pool, schema, BATCH);
    log(`  raw read only:          ${rateLine(read)}`);
    const raw1 = await rawToQueues(queues.slice(0, 1));
    log(`  raw, 1 queue:           ${rateLine(raw1)}`);
    const single = await runRelay([queues[4]]);
    const relay1 = await relayDeliver(single, EVENTS);
    log(`  relay, 1 queue:         ${rateLine(relay1)}  → ${(perSecond(relay1) / perSecond(raw1)).toFixed(2)}× raw`);
    const rssSingle = await single.peakRssBytes();
    await single.kill('SIGTERM');
    await admin.purgeQueue(queues[4]);

    const raw3 = await rawToQueues(queues.slice(1, 4));
    log(`  raw, 3 queues:          ${rateLine(raw3)} (deliveries)`);
    const triple = await runRelay(queues.slice(5, 8));
    const relay3 = await relayDeliver(triple, 3 * EVENTS);
    log(`  relay, 3 queues:        ${rateLine(relay3)} (deliveries)  → ${(perSecond(relay3) / perSecond(raw3)).toFixed(2)}× raw`);
    const rssTriple = await triple.peakRssBytes();
    await triple.kill('SIGTERM');
    for (const queue of queues.slice(5, 8)) await admin.purgeQueue(queue);

    log(`\n(c) commit-to-consumer latency at ${LATENCY_RATE.toLocaleString('en')} events/s (${LATENCY_RATE / PER_TRANSACTION} transactions/s of ${PER_TRANSACTION}) for ${LATENCY_MS / 1000} s`);
    const steady = await runRelay([queues[4]]);
    const consumerChannel = await amqpConnection.createChannel();
    const latency = await measureLatency({
      pool, schema, channel: consumerChannel, queue: queues[4], ratePerSecond: LATENCY_RATE,
      eventsPerTransaction: PER_TRANSACTION, durationMs: LATENCY_MS, warmUpMs: 1_000,
    });
    await consumerChannel.close();
    log(`  achieved ${Math.round(latency.achievedRate)} events/s, received ${latency.received}/${latency.sent}`);
    log(`  relay: p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms, max ${latency.maxMs.toFixed(1)} ms`);
    log(`  from when the writers' older transactions had all ended (the frontier had passed): p50 ${latency.afterReadableP50Ms!.toFixed(1)} ms, p99 ${latency.afterReadableP99Ms!.toFixed(1)} ms`);
    log(`  context: writers' COMMIT p99 ${latency.commitP99Ms!.toFixed(1)} ms (a slow commit holds the frontier for later ones), this process's event-loop delay p99 ${latency.eventLoopDelayP99Ms!.toFixed(1)} ms`);
    const rssSteady = await steady.peakRssBytes();
    await steady.kill('SIGTERM');
    const floorPublisher = await amqpConnection.createConfirmChannel();
    const floorConsumer = await amqpConnection.createChannel();
    const floor = await measureBrokerFloor({
      publisher: floorPublisher, consumer: floorConsumer, queue: queues[0], ratePerSecond: LATENCY_RATE,
      perPublish: PER_TRANSACTION, durationMs: 5_000,
    });
    await floorPublisher.close();
    await floorConsumer.close();
    log(`  broker floor (bare publish → bare consumer, same rate, no database): p50 ${floor.p50Ms.toFixed(1)} ms, p99 ${floor.p99Ms.toFixed(1)} ms`);

    log('\n(d) relay process peak RSS (VmHWM)');
    log(`  1 queue: ${mb(rssSingle)}; 3 queues: ${mb(rssTriple)}; steady 1,000/s: ${mb(rssSteady)}`);

    log('\nsummary');
    log(`  relay/raw, 1 queue:   ${(perSecond(relay1) / perSecond(raw1)).toFixed(2)} (target ≥ 0.8)`);
    log(`  relay/raw, 3 queues:  ${(perSecond(relay3) / perSecond(raw3)).toFixed(2)} (target ≥ 0.8)`);
    log(`  p99 at 1,000/s:       ${latency.p99Ms.toFixed(1)} ms (target ≤ 25 ms; broker floor ${floor.p99Ms.toFixed(1)} ms)`);
    log(`  peak RSS:             ${mb(Math.max(rssSingle, rssTriple, rssSteady))} (target ≤ 200 MB)`);
  } finally {
    for (const relay of relays) await relay.kill('SIGKILL');
    for (const queue of queues) {
      for (const name of [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]) await admin.deleteQueue(name).catch(() => undefined);
    }
    await amqpConnection.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    rmSync(compiled, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:relay failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
