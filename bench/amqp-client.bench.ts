import { OutgoingMessage, consumerQueueTopology } from '@app/messaging';
import { testAmqpUrl, uniqueSuffix } from '@app/testing';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSpent, rabbitPids, readCpu } from '../test/support/process-cpu';
import { BenchClient, amqplibClient, rabbitmqClient } from './support/amqp-clients';
import { amqplibEncodingCost } from './support/amqp-encoding';
import { HeaderSet, relayMessages, withHeaders } from './support/amqp-messages';
import { profiling, topSelfTime } from './support/cpu-profile';

/**
 * `npm run bench:amqp`: what an AMQP client costs per event, on the machine's RabbitMQ. Each pass
 * publishes BENCH_AMQP_MESSAGES relay-built messages (~600-byte JSON body) through a confirm channel
 * in the relay's windows (batches of 500, 8 batches awaiting confirms) into a fresh quorum queue
 * declared with our consumer queues' arguments, and consumes them with an ack each (prefetch 32):
 *   A  amqplib through our ConfirmPublisher, with the relay's full header set
 *   B  the same with only the headers a consumer reads (previous version, append index and count)
 *   C  rabbitmq-client with the full header set
 *   D  amqplib with no headers at all: the floor, so A−D is the whole price of the headers
 * Passes run interleaved (A,B,C,D,A,B,C,D…) for BENCH_AMQP_ROUNDS rounds; medians and ratios to A
 * are printed with the machine's load. Also prints amqplib's encode/decode µs per message for each
 * header set (a micro-benchmark of its codec) and, with `-- --cpu-prof`, this process's top functions.
 * RabbitMQ's CPU is its whole node's: the broker is shared, so that column is the noisiest.
 */
const MESSAGES = Number(process.env.BENCH_AMQP_MESSAGES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_AMQP_ROUNDS ?? 3);
const BATCH = 500;
const DEPTH = 8;
const WARMUP = 2_000;

interface Variant {
  name: string;
  headers: HeaderSet;
  client: (url: string) => Promise<BenchClient>;
}

const VARIANTS: Variant[] = [
  { name: 'A amqplib, relay headers', headers: 'relay', client: amqplibClient },
  { name: 'B amqplib, needed headers', headers: 'needed', client: amqplibClient },
  { name: 'C rabbitmq-client, relay headers', headers: 'relay', client: rabbitmqClient },
  { name: 'D amqplib, no headers', headers: 'none', client: amqplibClient },
];

interface Pass {
  perSecond: number;
  clientUs: number;
  rabbitUs: number;
  confirmP50: number;
  confirmP99: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const uptime = () => execFileSync('uptime').toString().trim();
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];

const EXCHANGE = `amqp-bench-${uniqueSuffix()}.events`;
/** Our consumer queues' own arguments (quorum, single active consumer, dead-lettering, delivery limit). */
const QUEUE_ARGUMENTS = consumerQueueTopology('bench.checkout-events', []).queues.find(
  (q) => q.name === 'bench.checkout-events',
)!.arguments;

/** The machine's RabbitMQ node, found once: a `pgrep` per reading would show up in this process's CPU. */
const rabbit = rabbitPids();
const brokerGroups = { rabbitmq: () => rabbit };

async function runPass(admin: amqp.Channel, url: string, variant: Variant, messages: readonly OutgoingMessage[]): Promise<Pass> {
  const count = messages.length;
  const queue = `amqp-bench.${uniqueSuffix()}-events`;
  await admin.assertQueue(queue, { durable: true, arguments: QUEUE_ARGUMENTS });
  await admin.bindQueue(queue, EXCHANGE, queue);
  let client: BenchClient | undefined;
  try {
    client = await variant.client(url);
    let received = 0;
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    await client.consume(queue, () => {
      if (++received === count) allReceived();
    });
    const rabbitBefore = await readCpu(brokerGroups);
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const confirmMs = await publishInWindows(client, queue, messages);
    await done;
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const rabbitMs = cpuSpent(rabbitBefore, await readCpu(brokerGroups)).get('rabbitmq') ?? 0;
    return {
      perSecond: (count / elapsedMs) * 1_000,
      clientUs: (cpu.user + cpu.system) / count,
      rabbitUs: (rabbitMs * 1_000) / count,
      confirmP50: percentile(confirmMs, 0.5),
      confirmP99: percentile(confirmMs, 0.99),
    };
  } finally {
    // The queue goes even when the client fails to close (a failed consumer setup does).
    await Promise.resolve(client?.close()).finally(() => admin.deleteQueue(queue));
  }
}

/** The relay's pipeline: a batch goes out as soon as fewer than DEPTH batches await their confirms. */
async function publishInWindows(client: BenchClient, queue: string, messages: readonly OutgoingMessage[]): Promise<number[]> {
  const confirmMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let next = 0; next < messages.length; next += BATCH) {
    while (inFlight.size >= DEPTH) await Promise.race(inFlight);
    const sent = performance.now();
    const confirmed: Promise<void> = client.publish(EXCHANGE, queue, messages.slice(next, next + BATCH)).then(() => {
      confirmMs.push(performance.now() - sent);
      inFlight.delete(confirmed);
    });
    inFlight.add(confirmed);
  }
  await Promise.all(inFlight);
  return confirmMs;
}

function printEncodingCost(): void {
  log('\namqplib codec per message (micro-benchmark, header sets interleaved, CPU µs, best of 10 over 20,000 messages each):');
  const relay = relayMessages(20_000, 'relay');
  const sets = ['relay', 'needed', 'none'] as const;
  const costs = amqplibEncodingCost(
    sets.map((set) => relay.map((m) => withHeaders(m, set))),
    10,
  );
  for (const [i, set] of sets.entries()) {
    const cost = costs[i];
    log(
      `  ${set.padEnd(7)} encode ${cost.encodeUs.toFixed(2)} µs, decode ${cost.decodeUs.toFixed(2)} µs, header frame ${cost.headerFrameBytes} bytes`,
    );
  }
}

async function main(): Promise<void> {
  // The publisher's connection logs through Nest; its "connected" lines would interleave with the figures.
  Logger.overrideLogger(['error', 'warn']);
  const url = testAmqpUrl();
  if (rabbit.length === 0) log('(no rabbitmq-owned beam.smp found: RabbitMQ CPU reads 0)');
  const connection = await amqp.connect(url);
  const admin = await connection.createChannel();
  await admin.assertExchange(EXCHANGE, 'direct', { durable: false, autoDelete: false });
  const session = profiling ? new Session() : undefined;
  try {
    log(`bench:amqp: ${MESSAGES.toLocaleString('en')} messages per pass, ${ROUNDS} interleaved rounds; before: ${uptime()}`);
    // Built once, before any timing: building the relay's messages is the relay's cost, not the client's.
    const relay = relayMessages(MESSAGES, 'relay');
    const bySet = new Map<HeaderSet, OutgoingMessage[]>(
      (['relay', 'needed', 'none'] as const).map((set) => [set, relay.map((m) => withHeaders(m, set))]),
    );
    for (const variant of VARIANTS) await runPass(admin, url, variant, bySet.get(variant.headers)!.slice(0, WARMUP));
    session?.connect();
    session?.post('Profiler.enable');
    session?.post('Profiler.start');
    const passes = new Map<string, Pass[]>(VARIANTS.map((v) => [v.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) log(`  ${uptime()}`);
      for (const variant of VARIANTS) {
        const pass = await runPass(admin, url, variant, bySet.get(variant.headers)!);
        passes.get(variant.name)!.push(pass);
        log(
          `  round ${round} ${variant.name.padEnd(34)} ${Math.round(pass.perSecond)} msg/s, client ${pass.clientUs.toFixed(1)} µs, ` +
            `RabbitMQ ${pass.rabbitUs.toFixed(1)} µs, confirm p50 ${pass.confirmP50.toFixed(1)} / p99 ${pass.confirmP99.toFixed(1)} ms`,
        );
      }
    }
    if (session) writeProfile(session);
    log(`after: ${uptime()}`);
    printMedians(passes);
    printEncodingCost();
  } finally {
    await admin.deleteExchange(EXCHANGE).catch(() => undefined);
    await connection.close();
  }
}

function printMedians(passes: Map<string, Pass[]>): void {
  const of = (name: string, key: keyof Pass) => median(passes.get(name)!.map((p) => p[key]));
  const base = VARIANTS[0].name;
  log('\nmedians (ratio to A); CPU µs per message, confirm latency per batch of 500:');
  for (const { name } of VARIANTS) {
    const ratio = (key: keyof Pass) => (of(name, key) / of(base, key)).toFixed(2);
    log(
      `  ${name.padEnd(34)} ${Math.round(of(name, 'perSecond'))} msg/s (${ratio('perSecond')}), ` +
        `client ${of(name, 'clientUs').toFixed(1)} µs (${ratio('clientUs')}), RabbitMQ ${of(name, 'rabbitUs').toFixed(1)} µs (${ratio('rabbitUs')}), ` +
        `confirm p50 ${of(name, 'confirmP50').toFixed(1)} ms (${ratio('confirmP50')}) p99 ${of(name, 'confirmP99').toFixed(1)} ms (${ratio('confirmP99')})`,
    );
  }
}

/** This process's profile over the measured rounds: its top functions, and amqplib's share by file. */
function writeProfile(session: Session): void {
  session.post('Profiler.stop', (error, result) => {
    if (error) return log(`profile failed: ${error.message}`);
    const file = join(tmpdir(), `bench-amqp-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    log(`\nCPU profile of this process over the measured rounds (${file}), top 25 by self time:`);
    for (const line of topSelfTime(file, 25)) log(`  ${line}`);
    log('  self time by amqplib file (share of busy time; A, B and D passes only run amqplib):');
    for (const [name, share] of selfShareByFile(result.profile as Profile, /amqplib\/lib\/[^/]+$/)) log(`    ${share}  ${name}`);
  });
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Busy self time of the files whose url matches `pattern`, as percentages, largest first. */
function selfShareByFile(profile: Profile, pattern: RegExp): [string, string][] {
  const urlOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFile = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = urlOf.get(id)!;
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += us;
    const match = pattern.exec(frame.url);
    if (match) byFile.set(match[0], (byFile.get(match[0]) ?? 0) + us);
  });
  return [...byFile].sort(([, a], [, b]) => b - a).map(([name, us]) => [name, `${((100 * us) / busy).toFixed(1).padStart(5)}%`]);
}

main().catch((error) => {
  log(`bench:amqp failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
