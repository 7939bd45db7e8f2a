import { eventually } from '@app/testing';
import { closeConnections } from '../support/http';
import { describeCpu, serviceCpuMs } from '../support/service-cpu';
import { ClusterPlatform } from './support/cluster-platform';
import { send } from '../support/http';
import { callUntilAnswered } from './support/http-client';
import { checkInvariants } from './support/invariants';
import {
  ClusterNode,
  NODES,
  clusterCpuMs,
  clusterMemoryMb,
  ensureCluster,
  killNode,
  queueConsumers,
  queueLeaders,
  queueReplicas,
  restartNode,
  runningNodes,
} from './support/rabbitmq-cluster';
import { FLOW_ENV, percentile, prepareFlow, runFlow } from './support/steady-flow';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Operations answered in each phase (steady, node down, after): a count, not a time, so a busy machine stretches the phases instead of thinning them. */
const STEADY_OPERATIONS = 100;

/** Two instances of every service on the 3-node cluster; the node leading most queues dies mid-flow. */
describe('A RabbitMQ node killed mid-flow', () => {
  let cluster: ClusterPlatform;

  beforeAll(async () => {
    const startupMs = ensureCluster();
    if (startupMs > 0)
      console.log(`3-node RabbitMQ cluster formed in ${(startupMs / 1000).toFixed(1)} s, ${clusterMemoryMb()} MB resident`);
    cluster = await ClusterPlatform.start(2, FLOW_ENV);
  }, 600_000);

  afterAll(async () => {
    for (const node of NODES) if (!runningNodes().includes(node)) await restartNode(node);
    await cluster?.stop();
    closeConnections();
  }, 300_000);

  it('keeps every queue, retry tiers and dead-letter queues included, as a quorum queue on all 3 nodes', () => {
    const queues = queueReplicas(cluster.vhost);
    expect(queues.filter((q) => /\.retry\.\w+$/.test(q.name)).length).toBeGreaterThan(0);
    expect(queues.filter((q) => q.name.endsWith('.dlq')).length).toBeGreaterThan(0);
    for (const queue of queues)
      expect({ name: queue.name, type: queue.type, nodes: queue.members.length }).toEqual({ name: queue.name, type: 'quorum', nodes: 3 });
  });

  it('has both instances of a consumer on each queue, exactly one of them active, so order holds per queue', async () => {
    const mainQueues = queueReplicas(cluster.vhost)
      .map((q) => q.name)
      .filter((name) => /^[a-z]+\.[a-z]+-events$/.test(name));
    expect(mainQueues.length).toBeGreaterThan(0);
    const perQueue = await eventually(
      () => {
        const consumers = queueConsumers(cluster.vhost);
        const counts = mainQueues.map((queue) => ({
          queue,
          consumers: consumers.filter((c) => c.queue === queue).length,
          active: consumers.filter((c) => c.queue === queue && c.active).length,
        }));
        return counts.every((c) => c.consumers === 2) ? counts : undefined;
      },
      30_000,
      500,
    );
    for (const queue of perQueue) expect(queue).toEqual({ queue: queue.queue, consumers: 2, active: 1 });
  });

  it('loses nothing acknowledged, doubles no effect, dead-letters nothing, and recovers within seconds', async () => {
    const urls = (service: Parameters<ClusterPlatform['url']>[0]) => cluster.url(service);
    const record = await prepareFlow(urls, 4);
    const probe = await prepareFlow(urls, 1);
    // Leaders are placed when queues are declared; reading them mid-flow would stall the callers.
    const leaders = queueLeaders(cluster.vhost);
    const victim = [...leaders].sort((a, b) => b[1] - a[1])[0][0] as ClusterNode;
    const flowStarted = Date.now();
    const [servicesBefore, brokerBefore] = [serviceCpuMs(), clusterCpuMs()];
    // The flow runs until, after the node came back, it has gone on as long again (answered operations, not seconds).
    let flowDone = () => false;
    const flow = runFlow(urls, record, () => flowDone());

    // A steady state first: operations answered on the whole cluster, before anything fails.
    await eventually(() => record.answered.length >= STEADY_OPERATIONS, 120_000, 100);
    // Per-operation costs in the steady state, before anything fails (docs/scaling.md uses them).
    const [servicesAt, brokerAt] = [serviceCpuMs(), clusterCpuMs()];
    const steadySeconds = (Date.now() - flowStarted) / 1000;
    const steadyOps = record.answered.length;
    const steadyCheckouts = record.answered.filter((a) => a.kind === 'checkout').length;
    expect(leaders.get(victim)).toBeGreaterThan(0);
    const killedAt = Date.now();
    killNode(victim);

    // First delivery after the kill: a change published by the relay and applied by Account's own
    // consumer, through whatever nodes are left.
    const accountId = probe.accounts[0];
    const street = `probe ${killedAt}`;
    await callUntilAnswered(urls('account'), 'PUT', `/accounts/${accountId}/address`, { street, city: 'London', zip: 'N1 9GU' });
    for (;;) {
      const view = await send(urls('account'), 'GET', `/accounts/${accountId}`).catch(() => undefined);
      if (view?.body.address?.street === street) break;
      if (Date.now() - killedAt > 120_000) throw new Error('no delivery within 120 s of the kill');
      await sleep(100);
    }
    const firstDeliveryMs = Date.now() - killedAt;

    // The node stays down while the flow goes on without it as long as in its steady state.
    const answeredAtKill = record.answered.length;
    await eventually(() => record.answered.length >= answeredAtKill + STEADY_OPERATIONS, 120_000, 100);
    const restartStarted = Date.now();
    await restartNode(victim);
    const restartedAt = Date.now();
    const restartMs = restartedAt - restartStarted;
    const answeredAtRestart = record.answered.length;
    flowDone = () => record.answered.length >= answeredAtRestart + STEADY_OPERATIONS;
    await flow;

    const counts = await checkInvariants(cluster, record);
    const checkouts = record.answered.filter((a) => a.kind === 'checkout');
    const checkoutMs = checkouts.map((a) => a.ms);
    // Latency by when the checkout started: before the kill, while the node was down, after it came back.
    const window = (from: number, to: number) => checkouts.filter((a) => a.at - a.ms >= from && a.at - a.ms < to).map((a) => a.ms);
    const windows = [
      ['before', flowStarted, killedAt],
      ['node down', killedAt, restartStarted],
      ['after', restartStarted, Infinity],
    ] as const;
    const byWindow = windows.map(([name, from, to]) => `${name} p99 ${percentile(window(from, to), 99)} ms`).join(', ');
    const firstAnswerMs = Math.min(...record.answered.filter((a) => a.at > killedAt).map((a) => a.at)) - killedAt;
    console.log(
      `steady state (two instances per service, 3 broker nodes): ${(steadyCheckouts / steadySeconds).toFixed(1)} checkouts/s; ` +
        `${steadyOps} operations (${steadyCheckouts} checkouts) in the first ${steadySeconds.toFixed(0)} s cost, per operation, CPU ms: ` +
        `${describeCpu(servicesBefore, servicesAt, steadyOps)}, RabbitMQ (3 nodes) ${((brokerAt - brokerBefore) / steadyOps).toFixed(2)}\n` +
        `broker node ${victim} (leading ${leaders.get(victim)} of ${[...leaders.values()].reduce((s, n) => s + n, 0)} quorum queues) SIGKILLed ` +
        `${((killedAt - flowStarted) / 1000).toFixed(0)} s into a ${((Date.now() - flowStarted) / 1000).toFixed(0)} s flow, back ${((restartStarted - killedAt) / 1000).toFixed(0)} s later (restarted and rejoined in ${(restartMs / 1000).toFixed(1)} s)\n` +
        `first event delivered after the kill: ${firstDeliveryMs} ms; first acknowledged operation: ${firstAnswerMs} ms\n` +
        `checkout latency over the flow: p50 ${percentile(checkoutMs, 50)} ms, p99 ${percentile(checkoutMs, 99)} ms, max ${Math.max(...checkoutMs)} ms (${byWindow})\n` +
        `invariants: ${JSON.stringify({ ...counts, unanswered: record.unanswered, rejections: record.rejections })}`,
    );
    expect(counts.charges).toBe(counts.salesLedgerCount);
    expect(counts.completedCheckouts).toBeGreaterThan(0);
    expect(counts.deadLetters).toBe(0);
  }, 600_000);
});
