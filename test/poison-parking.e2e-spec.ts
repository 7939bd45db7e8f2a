import { AmqpConnection, OutgoingMessage, PermanentMessageError, QueueConsumer, declareQueues } from '@app/messaging';
import { TEST_OPS_TOKEN, TestPlatform, eventually, freshEventStore, uniqueSuffix } from '@app/testing';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { DeadLetter, OpsApi, QueueWriter, eventMessage, runOpsCli, startPlatform } from './support/ops-e2e-support';

// A consumer queue of the contract, so the real Ops process drains its DLQ; no Fraud process runs.
const QUEUE = 'fraud.account-events';
const AGGREGATES = 1_000;
const VERSIONS = 10;
const POISONED = AGGREGATES / 100;
const POISON_VERSION = 3;

interface ParkedStream {
  queue: string;
  streamId: string;
  parked: number;
  parkedVersions: number[];
  blocker: { id: number; messageId: string; version: number; status: string; errorCode: string };
}

/**
 * Poison parks only its own aggregate. A consumer (in this process, with a handler that refuses
 * marked events for good) takes 10,000 events of which 1% of the aggregates carry a poisoned
 * event; the real Ops process drains its DLQ. The poisoned streams' later events wait in the DLQ
 * behind their blocker, every other stream is applied whole as in a clean run of the same size, and
 * replaying or skipping the blocker through Ops applies the parked events once each, in order.
 */
describe('Poison parks only its own aggregate, with a real Ops process', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let connection: AmqpConnection;
  let poisoned: Lane;
  let clean: Lane;
  // The fix an operator deploys before replaying: while on, marked events fail for good.
  let poisonRefused = true;

  /** A consumer queue with its consumer's own schema and pool, and the effects its handler writes. */
  interface Lane {
    queue: string;
    schema: string;
    dataSource: DataSource;
    consumer?: QueueConsumer;
  }

  const lane = async (queue: string): Promise<Lane> => {
    const { schema, dataSource } = await freshEventStore('park');
    await dataSource.query(`CREATE TABLE "${schema}".effects (
      seq bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_id text NOT NULL, version int NOT NULL)`);
    return { queue, schema, dataSource };
  };

  beforeAll(async () => {
    platform = await startPlatform(['ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    connection = new AmqpConnection({ url: platform.amqpUrl, name: 'poison-parking-consumer' });
    await connection.start();
    poisoned = await lane(QUEUE);
    // The clean baseline has a queue of its own, which no Ops process needs to know.
    clean = await lane(`clean${uniqueSuffix()}.account-events`);
    await declareQueues(connection.current(), [clean.queue]);
  });

  afterAll(async () => {
    for (const { consumer, schema, dataSource } of [poisoned, clean].filter(Boolean)) {
      await consumer?.stop();
      await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
      await dataSource.destroy();
    }
    await connection?.close();
    await writer?.stop();
    await platform?.stop();
  });

  const opsEnv = () => ({ OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN });

  const startConsumer = async (on: Lane) => {
    on.consumer = new QueueConsumer({
      queue: on.queue,
      connection,
      dataSource: on.dataSource,
      schema: on.schema,
      dispatch: async (envelope, delivery) => {
        if (poisonRefused && envelope.data.poison === true) {
          throw new PermanentMessageError('POISONED', `${envelope.streamId} version ${envelope.streamVersion} cannot be applied`);
        }
        await delivery.manager.query(`INSERT INTO "${on.schema}".effects (event_id, stream_id, version) VALUES ($1, $2, $3)`, [
          envelope.eventId,
          envelope.streamId,
          envelope.streamVersion,
        ]);
        return 'handled';
      },
    });
    await on.consumer.start();
  };
  const stopConsumer = async (on: Lane) => {
    await on.consumer?.stop();
    on.consumer = undefined;
  };

  /** 10 events each of `aggregates` aggregates, interleaved as a busy producer sends them; the first `poisonedCount` carry a poisoned version 3. */
  const eventsOf = (run: string, aggregates: number, poisonedCount: number): OutgoingMessage[] => {
    const messages: OutgoingMessage[] = [];
    for (let version = 1; version <= VERSIONS; version++) {
      for (let aggregate = 0; aggregate < aggregates; aggregate++) {
        const poison = aggregate < poisonedCount && version === POISON_VERSION;
        messages.push(
          eventMessage({
            type: 'LimitUpdated',
            streamId: `account-${run}-${aggregate}`,
            streamVersion: version,
            data: { id: randomUUID(), newLimit: version, oldLimit: 0, poison },
          }),
        );
      }
    }
    return messages;
  };

  const healthyApplied = async (on: Lane, run: string, poisonedCount: number): Promise<number> => {
    const [{ n }] = await on.dataSource.query(
      `SELECT count(*) AS n FROM "${on.schema}".effects WHERE stream_id LIKE $1 AND split_part(stream_id, '-', 3)::int >= $2`,
      [`account-${run}-%`, poisonedCount],
    );
    return Number(n);
  };

  /**
   * Queues the clean and the poisoned run of the same size while no consumer takes anything, then
   * starts both consumers at once and times how long each takes to apply every event of its healthy
   * aggregates. Side by side, both runs meet the same load of a shared machine.
   */
  const timedRuns = async (aggregates: number, poisonedShare: number) => {
    const runs = [
      { on: clean, run: `c${uniqueSuffix()}`, poisonedCount: 0 },
      { on: poisoned, run: `p${uniqueSuffix()}`, poisonedCount: aggregates * poisonedShare },
    ];
    const batches = runs.map(({ run, poisonedCount }) => eventsOf(run, aggregates, poisonedCount));
    for (let start = 0; start < batches[0].length; start += 500) {
      for (const [i, { on }] of runs.entries()) await writer.publish(on.queue, batches[i].slice(start, start + 500));
    }
    const started = Date.now();
    await Promise.all(runs.map(({ on }) => startConsumer(on)));
    const timings = await Promise.all(
      runs.map(async ({ on, run, poisonedCount }) => {
        const healthy = (aggregates - poisonedCount) * VERSIONS;
        await eventually(async () => (await healthyApplied(on, run, poisonedCount)) === healthy, 180_000, 25);
        const seconds = (Date.now() - started) / 1000;
        return { run, seconds, perSecond: healthy / seconds };
      }),
    );
    await stopConsumer(clean);
    return { baseline: timings[0], withPoison: timings[1] };
  };

  const appliedIn = async (on: Lane, run: string): Promise<number> =>
    Number(
      (await on.dataSource.query(`SELECT count(*) AS n FROM "${on.schema}".effects WHERE stream_id LIKE $1`, [`account-${run}-%`]))[0].n,
    );

  it('parks the poisoned aggregates behind their blocker while the healthy ones flow at full speed; replay or skip releases them in order', async () => {
    // Every healthy aggregate is applied whole beside the poisoned ones, as in the clean run. How fast,
    // against the clean run, is a figure for a benchmark, not an assertion that fails on a slow hour.
    const { baseline, withPoison } = await timedRuns(AGGREGATES, POISONED / AGGREGATES);
    expect(await appliedIn(clean, baseline.run)).toBe(AGGREGATES * VERSIONS);

    // Every later event of a poisoned aggregate is parked behind its blocker: no attempt spent, none dead-lettered as out of order.
    const expectedParked = POISONED * (VERSIONS - POISON_VERSION);
    const deadLetters = await eventually(
      async () => {
        const page = await ops.get<{ items: (DeadLetter & { errorCode: string })[] }>(`/dead-letters?queue=${QUEUE}&limit=1000&status=all`);
        const ours = page.items.filter((item) => item.status === 'dead');
        return ours.length >= POISONED + expectedParked ? ours : undefined;
      },
      60_000,
      250,
    );
    const codes = new Map<string, number>();
    for (const { errorCode } of deadLetters) codes.set(errorCode, (codes.get(errorCode) ?? 0) + 1);
    expect(Object.fromEntries(codes)).toEqual({ POISONED: POISONED, PARKED: expectedParked });

    const parked = await ops.get<ParkedStream[]>(`/dead-letters/parked?queue=${QUEUE}`);
    expect(parked).toHaveLength(POISONED);
    for (const stream of parked) {
      expect(stream).toMatchObject({
        queue: QUEUE,
        parked: VERSIONS - POISON_VERSION,
        parkedVersions: Array.from({ length: VERSIONS - POISON_VERSION }, (_, i) => POISON_VERSION + 1 + i),
        blocker: { version: POISON_VERSION, status: 'dead', errorCode: 'POISONED' },
      });
    }
    const follower = deadLetters.find((d) => d.errorCode === 'PARKED')!;
    const shown = await ops.get<{ attempts: number; headers: Record<string, unknown> }>(`/dead-letters/${follower.id}`);
    expect(shown.headers['x-parked-behind']).toBe(parked.find((s) => s.streamId === shown.headers['x-stream-id'])?.blocker.messageId);
    expect(shown.headers['x-attempts']).toBe(0);
    const cli = await runOpsCli(['parked'], opsEnv());
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(parked[0].streamId);

    // The fix is deployed. Half the blockers are replayed, half skipped (one of each through the CLI).
    poisonRefused = false;
    const [replayed, skipped] = [parked.slice(0, POISONED / 2), parked.slice(POISONED / 2)];
    for (const [i, stream] of replayed.entries()) {
      if (i === 0) expect((await runOpsCli(['replay', String(stream.blocker.id)], opsEnv())).code).toBe(0);
      else expect((await ops.post(`/dead-letters/${stream.blocker.id}/replay`)).status).toBe(200);
    }
    for (const [i, stream] of skipped.entries()) {
      if (i === 0) expect((await runOpsCli(['skip', String(stream.blocker.id)], opsEnv())).code).toBe(0);
      else expect((await ops.post(`/dead-letters/${stream.blocker.id}/skip`)).status).toBe(200);
    }

    const versionsOf = async (streamId: string): Promise<number[]> =>
      (
        await poisoned.dataSource.query(`SELECT version FROM "${poisoned.schema}".effects WHERE stream_id = $1 ORDER BY seq`, [streamId])
      ).map((row: { version: number }) => row.version);
    const all = Array.from({ length: VERSIONS }, (_, i) => i + 1);
    await eventually(
      async () => {
        for (const stream of replayed) if ((await versionsOf(stream.streamId)).length < VERSIONS) return false;
        for (const stream of skipped) if ((await versionsOf(stream.streamId)).length < VERSIONS - 1) return false;
        return true;
      },
      60_000,
      250,
    );
    // Applied once each and in order: the replayed blocker first, the skipped one not at all.
    for (const stream of replayed) expect(await versionsOf(stream.streamId)).toEqual(all);
    for (const stream of skipped) expect(await versionsOf(stream.streamId)).toEqual(all.filter((v) => v !== POISON_VERSION));
    expect(await appliedIn(poisoned, withPoison.run)).toBe(AGGREGATES * VERSIONS - skipped.length);
    const [{ twice }] = await poisoned.dataSource.query(
      `SELECT count(*)::int AS twice FROM (SELECT event_id FROM "${poisoned.schema}".effects GROUP BY event_id HAVING count(*) > 1) d`,
    );
    expect(twice).toBe(0);

    expect(await ops.get<ParkedStream[]>(`/dead-letters/parked?queue=${QUEUE}`)).toEqual([]);
    expect(Number((await poisoned.dataSource.query(`SELECT count(*) AS n FROM "${poisoned.schema}".parked_streams`))[0].n)).toBe(0);
    const after = await ops.get<{ items: DeadLetter[] }>(`/dead-letters?queue=${QUEUE}&limit=1000`);
    expect(after.items).toEqual([]);
  });
});
