import { consumerProgress, eventually } from '@app/testing';
import { closeConnections } from '../support/http';
import { ClusterPlatform, SCALED } from './support/cluster-platform';
import { checkInvariants } from './support/invariants';
import { clusterMemoryMb, ensureCluster } from './support/rabbitmq-cluster';
import { relayLeader } from './support/relay-leadership';
import { FLOW_ENV, percentile, prepareFlow, runFlow } from './support/steady-flow';

/** Operations answered before each kill and after the last restart: a count, not a time, so a busy machine stretches the flow instead of thinning it. */
const PHASE_OPERATIONS = 60;

/** Two instances of every service on the 3-node cluster; instances die, one after the other. */
describe('Service instances killed mid-flow', () => {
  let cluster: ClusterPlatform;
  const urls = (service: Parameters<ClusterPlatform['url']>[0]) => cluster.url(service);

  beforeAll(async () => {
    const startupMs = ensureCluster();
    if (startupMs > 0)
      console.log(`3-node RabbitMQ cluster formed in ${(startupMs / 1000).toFixed(1)} s, ${clusterMemoryMb()} MB resident`);
    cluster = await ClusterPlatform.start(2, FLOW_ENV);
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    closeConnections();
  }, 300_000);

  it('hands relay leadership to the standby, with no gap and nothing applied twice', async () => {
    const record = await prepareFlow(urls, 2);
    let flowDone = () => false;
    const flow = runFlow(urls, record, () => flowDone());
    await eventually(() => record.answered.length >= PHASE_OPERATIONS, 60_000, 100);
    const replicas = cluster.replicas.get('account')!;
    const leader = await relayLeader(replicas, 'account');
    expect(leader).toBeDefined();
    const killedAt = Date.now();
    await leader!.stop('SIGKILL');
    const standby = await eventually(
      () =>
        relayLeader(
          replicas.filter((r) => r !== leader),
          'account',
        ),
      15_000,
      100,
    );
    const takeoverMs = Date.now() - killedAt;
    await cluster.restart(leader!);
    const answeredAtRestart = record.answered.length;
    flowDone = () => record.answered.length >= answeredAtRestart + PHASE_OPERATIONS;
    await flow;

    const queues = await eventually(
      async () => {
        const result = await consumerProgress(cluster.platform, 'account');
        return result.every((q) => q.missing === 0) ? result : undefined;
      },
      60_000,
      500,
    ).catch(async () => {
      throw new Error(`gap past the inbox: ${JSON.stringify(await consumerProgress(cluster.platform, 'account'))}`);
    });
    console.log(
      `account relay leader SIGKILLed; standby ${standby.url} led after ${takeoverMs} ms; per consumer: ${JSON.stringify(queues)}`,
    );
    expect(queues.length).toBeGreaterThan(0);
    for (const queue of queues) expect(queue.applied).toBe(queue.expected);
    await checkInvariants(cluster, record);
  }, 300_000);

  it('keeps every invariant while one instance of each service in turn is SIGKILLed', async () => {
    const record = await prepareFlow(urls, 4);
    let flowDone = () => false;
    const flow = runFlow(urls, record, () => flowDone());
    const killed: string[] = [];
    for (const service of SCALED) {
      const answered = record.answered.length;
      await eventually(() => record.answered.length >= answered + PHASE_OPERATIONS, 60_000, 100);
      const victim = cluster.replicas.get(service)![0];
      await victim.stop('SIGKILL');
      killed.push(service);
      await cluster.restart(victim);
    }
    const answeredAfterLast = record.answered.length;
    flowDone = () => record.answered.length >= answeredAfterLast + PHASE_OPERATIONS;
    await flow;
    const counts = await checkInvariants(cluster, record);
    const checkoutMs = record.answered.filter((a) => a.kind === 'checkout').map((a) => a.ms);
    console.log(
      `killed one instance each of ${killed.join(', ')} during a flow of ${record.answered.length} operations; checkout p99 ${percentile(checkoutMs, 99)} ms; ` +
        `invariants: ${JSON.stringify({ ...counts, unanswered: record.unanswered, rejections: record.rejections })}`,
    );
    expect(killed).toEqual(SCALED);
    expect(counts.completedCheckouts).toBeGreaterThan(0);
    expect(counts.charges).toBe(counts.salesLedgerCount);
  }, 300_000);
});
