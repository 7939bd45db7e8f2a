import { AmqpConnection } from '@app/messaging';
import { BatchTrace, OutboxRelay, OutboxRelayOptions, RelayTrace, relayMetrics } from '../index';

/**
 * What a spec or benchmark hands the runner in RELAY_RUNNER_CONFIG. With `traceStages`, the runner
 * prints its wake-ups and confirmed batches (`relay-runner: trace {"woken":[…],"batches":[…]}`) a few
 * times a second, for a benchmark's latency breakdown.
 */
export type RelayRunnerConfig = Omit<OutboxRelayOptions, 'connection' | 'backfillConnection' | 'trace'> & {
  amqpUrl: string;
  name: string;
  traceStages?: boolean;
};

/** Collects stage times in memory and prints them in one line now and then, off the relay's hot path. */
function stageTracer(): RelayTrace & { flush(): void } {
  let woken: number[] = [];
  let batches: BatchTrace[] = [];
  return {
    woken: (at) => woken.push(at),
    batch: (batch) => batches.push(batch),
    flush: () => {
      if (woken.length === 0 && batches.length === 0) return;
      process.stdout.write(`relay-runner: trace ${JSON.stringify({ woken, batches })}\n`);
      woken = [];
      batches = [];
    },
  };
}

/**
 * One OutboxRelay in a process of its own, so specs and the benchmark can SIGKILL it or read its
 * memory. It prints `relay-runner: ready`, then `relay-runner: leader` / `relay-runner: standby`
 * whenever its role changes and `relay-runner: published <n>` as its confirmed total grows, and
 * stops gracefully on SIGTERM.
 */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.RELAY_RUNNER_CONFIG ?? '') as RelayRunnerConfig;
  const connection = new AmqpConnection({ url: config.amqpUrl, name: config.name });
  await connection.start();
  const trace = config.traceStages ? stageTracer() : undefined;
  if (trace) setInterval(() => trace.flush(), 250).unref();
  const relay = new OutboxRelay({ ...config, connection, trace });
  await relay.start();
  process.stdout.write('relay-runner: ready\n');
  let leader = false;
  let published = 0;
  const watch = setInterval(() => {
    if (relay.isLeader !== leader) {
      leader = relay.isLeader;
      process.stdout.write(`relay-runner: ${leader ? 'leader' : 'standby'}\n`);
    }
    void relayMetrics.published.get().then(({ values }) => {
      const total = values.reduce((sum, value) => sum + value.value, 0);
      if (total !== published) process.stdout.write(`relay-runner: published ${(published = total)}\n`);
    });
  }, 20);
  process.once('SIGTERM', () => {
    clearInterval(watch);
    void relay
      .stop()
      .then(() => connection.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`relay-runner failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
