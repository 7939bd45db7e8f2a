import type { PlatformBroker } from '@app/testing';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', '..', 'scripts', 'rabbitmq-cluster.sh');
export const clusterDir = process.env.RABBITMQ_CLUSTER_DIR ?? join(process.env.TMPDIR ?? '/tmp', 'checkout-platform-rabbitmq-cluster');
/** Present when this test run started the cluster, so the global teardown stops it (and only then). */
export const startedByTestsMarker = join(clusterDir, 'started-by-tests');

export const NODES = [1, 2, 3] as const;
export type ClusterNode = (typeof NODES)[number];

const run = (...args: string[]): string => execFileSync(script, args, { encoding: 'utf8', stdio: 'pipe', timeout: 240_000 });
/**
 * Mid-flow, the spec's own callers must keep running, so a slow command (a node's start) runs
 * without blocking the event loop. No pipes: a node started with -detached would hold them open.
 */
const runInBackground = (...args: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(script, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmq-cluster.sh ${args.join(' ')} exited with ${code}`))));
  });

const ctl = (...args: string[]): string => run('ctl', '1', '-q', ...args);

/** Which nodes run now. */
export function runningNodes(): ClusterNode[] {
  return NODES.filter((node) => new RegExp(`^node ${node} .* running`, 'm').test(run('status')));
}

/** Starts the cluster unless all of it already runs; returns how long that took (0 when it ran). */
export function ensureCluster(): number {
  if (runningNodes().length === NODES.length) return 0;
  const started = Date.now();
  const fresh = !existsSync(clusterDir);
  run('start');
  if (fresh) writeFileSync(startedByTestsMarker, `${process.pid}\n`);
  return Date.now() - started;
}

/** SIGKILLs one node: a crash, not a shutdown. */
export const killNode = (node: ClusterNode): void => void run('kill', String(node));
/** Starts a killed node again; it rejoins the cluster with its data. */
export const restartNode = (node: ClusterNode): Promise<void> => runInBackground('start', String(node));

/** Stops the broker application of one node (its connections closed, new ones refused); the node stays up. */
export const stopApp = (node: ClusterNode): void => void run('ctl', String(node), '-q', 'stop_app');
/** Starts it again (harmless when it runs) and waits until it serves. */
export function startApp(node: ClusterNode): void {
  run('ctl', String(node), '-q', 'start_app');
  run('ctl', String(node), '-q', 'await_startup', '--timeout', '120');
}

/** The AMQP URL of one node alone. */
export const nodeAmqpUrl = (node: ClusterNode): string => run('url').trim().split(',')[node - 1];

/** Resident memory of every running node, in MB. */
export function clusterMemoryMb(): number {
  const status = run('status');
  const pids = [...status.matchAll(/pid (\d+)/g)].map((match) => match[1]);
  const kb = pids.map((pid) => Number(execFileSync('ps', ['-o', 'rss=', '-p', pid], { encoding: 'utf8' }).trim()));
  return Math.round(kb.reduce((sum, value) => sum + value, 0) / 1024);
}

/** CPU time (user + system, ms) the running nodes have used so far, together; Linux only. */
export function clusterCpuMs(): number {
  const ticksPerMs = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) / 1000;
  return [...run('status').matchAll(/pid (\d+)/g)].reduce((sum, [, pid]) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
  }, 0);
}

/** How many of `vhost`'s quorum queues each node leads. */
export function queueLeaders(vhost: string): Map<ClusterNode, number> {
  const queues = JSON.parse(ctl('list_queues', '-p', vhost, 'name', 'type', 'leader', '--formatter', 'json')) as {
    type: string;
    leader: string;
  }[];
  const leaders = new Map<ClusterNode, number>(NODES.map((node) => [node, 0]));
  for (const { type, leader } of queues) {
    const node = Number(/rabbit-cluster-(\d)@/.exec(leader ?? '')?.[1]) as ClusterNode;
    if (type === 'quorum' && leaders.has(node)) leaders.set(node, leaders.get(node)! + 1);
  }
  return leaders;
}

/** The node leading each of `vhost`'s quorum queues. */
export function leaderOfEachQueue(vhost: string): Map<string, ClusterNode> {
  const queues = JSON.parse(ctl('list_queues', '-p', vhost, 'name', 'leader', '--formatter', 'json')) as { name: string; leader: string }[];
  return new Map(queues.map(({ name, leader }) => [name, Number(/rabbit-cluster-(\d)@/.exec(leader ?? '')?.[1]) as ClusterNode]));
}

/** Each queue of `vhost` with its type and the nodes holding a replica of it. */
export function queueReplicas(vhost: string): { name: string; type: string; members: string[] }[] {
  const queues = JSON.parse(ctl('list_queues', '-p', vhost, 'name', 'type', 'members', '--formatter', 'json')) as {
    name: string;
    type: string;
    members?: string[] | '';
  }[];
  return queues.map(({ name, type, members }) => ({ name, type, members: Array.isArray(members) ? members : [] }));
}

/** Every consumer of `vhost`'s queues, and whether it is the one single-active-consumer lets receive. */
export function queueConsumers(vhost: string): { queue: string; active: boolean }[] {
  const consumers = JSON.parse(ctl('list_consumers', '-p', vhost, 'queue_name', 'active', '--formatter', 'json')) as {
    queue_name: unknown;
    active: unknown;
  }[];
  return consumers.map((c) => ({ queue: String(c.queue_name), active: c.active === true || c.active === 'true' }));
}

/** Message counts of `vhost`'s queues whose name matches `pattern`. */
export function queueDepths(vhost: string, pattern: RegExp): Record<string, number> {
  const queues = JSON.parse(ctl('list_queues', '-p', vhost, 'name', 'messages', '--formatter', 'json')) as {
    name: string;
    messages: number;
  }[];
  return Object.fromEntries(queues.filter((q) => pattern.test(q.name)).map((q) => [q.name, q.messages]));
}

/** The cluster as the test platform's broker: every node in AMQP_URL, rabbitmqctl through node 1. */
export const clusterBroker = (): PlatformBroker => ({ adminAmqpUrl: run('url').trim(), rabbitmqctl: `${script} ctl 1` });
