import { AmqpConnection } from '@app/messaging';
import { OutboxRelay } from '@app/relay';
import { LatencyResult } from './relay-latency';

/** The pace ops-new-consumer's operator gives a new consumer's backfill, and the neighbour's steady traffic. */
export const BACKFILL_RATE = 2_500;
export const NEIGHBOUR_RATE = 250;

export interface BackfillNeighbourResult {
  baseline: LatencyResult;
  duringBackfill: LatencyResult;
  /** Events of the backfill still to go when the measurement ended: above 0, it ran throughout. */
  backfillRemaining: number | null;
  /** Messages in the backfill's queue (nothing consumes it) when the measurement during it ended, and since when it ran. */
  backfillDelivered: number;
  backfillElapsedMs: number;
}

/**
 * Another consumer's commit-to-consumer latency before and while a subscription registered at run
 * time backfills the history from position 0 at its pace, on one relay (in this process, as in a
 * service, so the registration reaches it at once). The figure of test/ops-new-consumer.e2e-spec.ts,
 * which keeps only what must always hold (every event, in order, the others still delivered).
 */
export async function measureBackfillNeighbour(options: {
  databaseUrl: string;
  amqpUrl: string;
  schema: string;
  neighbourQueue: string;
  backfillQueue: string;
  measure: (queue: string, ratePerSecond: number) => Promise<LatencyResult>;
  /** How many messages `queue` holds. */
  deliveredTo: (queue: string) => Promise<number>;
}): Promise<BackfillNeighbourResult> {
  const connection = new AmqpConnection({ url: options.amqpUrl, name: 'bench-backfill-neighbour' });
  await connection.start();
  const relay = new OutboxRelay({
    databaseUrl: options.databaseUrl,
    schema: options.schema,
    producer: 'account',
    connection,
    backfillConnection: new AmqpConnection({ url: options.amqpUrl, name: 'bench-backfill-neighbour-backfill' }),
    routes: [{ queue: options.neighbourQueue, eventTypes: null }],
  });
  try {
    await relay.start();
    const deadline = Date.now() + 60_000;
    while (!relay.isLeader) {
      if (Date.now() > deadline) throw new Error('the in-process relay did not lead within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const baseline = await options.measure(options.neighbourQueue, NEIGHBOUR_RATE);
    const registered = performance.now();
    await relay.admin.register({
      name: options.backfillQueue,
      eventTypes: null,
      from: { kind: 'position', position: 0 },
      backfillRatePerSecond: BACKFILL_RATE,
    });
    const duringBackfill = await options.measure(options.neighbourQueue, NEIGHBOUR_RATE);
    const backfillElapsedMs = performance.now() - registered;
    const backfillDelivered = await options.deliveredTo(options.backfillQueue);
    const lag = (await relay.admin.list()).find((subscription) => subscription.name === options.backfillQueue);
    return { baseline, duringBackfill, backfillRemaining: lag?.lagEvents ?? null, backfillDelivered, backfillElapsedMs };
  } finally {
    await relay.stop();
    await connection.close();
  }
}
