import { brokerNodeUrls } from '@app/messaging';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { redactCredentials } from '../config/redact-credentials';

export type DependencyKind = 'postgres' | 'rabbitmq';

const DEPENDENCIES: Record<DependencyKind, { label: string; variable: string; defaultPort: number }> = {
  postgres: { label: 'PostgreSQL', variable: 'DATABASE_URL', defaultPort: 5432 },
  rabbitmq: { label: 'RabbitMQ', variable: 'AMQP_URL', defaultPort: 5672 },
};

export interface PreflightOptions {
  databaseUrl: string;
  amqpUrl?: string;
  timeoutMs?: number;
}

/** One readable line saying which server is unreachable, why, and how to provide it; never a password. */
export function describeUnreachable(kind: DependencyKind, url: string, error: unknown): string {
  const { label, variable, defaultPort } = DEPENDENCIES[kind];
  const remedy = `Start it, or run \`docker compose up -d\`, or point ${variable} at a running server.`;
  let where: string;
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}`;
  } catch {
    return `${variable} is not a valid URL (${redactCredentials(url)}). Point ${variable} at a running ${label} server.`;
  }
  if (isCredentialsRejected(error)) {
    return `${label} at ${where} rejected the credentials (${reasonOf(error)}). Fix the user or password in ${variable}.`;
  }
  return `${label} is not reachable at ${where} (${reasonOf(error)}). ${remedy}`;
}

// PostgreSQL SQLSTATE class 28 (invalid authorisation) or RabbitMQ's ACCESS_REFUSED (403).
function isCredentialsRejected(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && code.startsWith('28')) || (typeof message === 'string' && /ACCESS[-_]REFUSED/.test(message));
}

function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : typeof message === 'string' ? message : String(error);
  return redactCredentials(text.split('\n')[0]).trim() || 'unknown error';
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

// A missing database is fine here: the server answered, and ensureDatabase will create it.
const DATABASE_MISSING = '3D000';

async function probePostgres(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeoutMs + 500);
  } catch (error) {
    if ((error as { code?: string }).code !== DATABASE_MISSING) throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRabbit(url: string, timeoutMs: number): Promise<void> {
  const pending = connect(url, { timeout: timeoutMs });
  // Close a connection that arrives after we gave up, so it never keeps the process alive.
  const connection = await withTimeout(pending, timeoutMs + 500).catch(async (error: unknown) => {
    pending.then((late) => late.close()).catch(() => undefined);
    throw error;
  });
  connection.on('error', () => undefined);
  await connection.close().catch(() => undefined);
}

/** A cluster is reachable when any one of its nodes is: the service fails over to the others later. */
async function probeRabbitNodes(nodes: string[], timeoutMs: number): Promise<string | undefined> {
  const problems: string[] = [];
  for (const node of nodes) {
    try {
      await probeRabbit(node, timeoutMs);
      return undefined;
    } catch (error) {
      problems.push(describeUnreachable('rabbitmq', node, error));
    }
  }
  return problems.join(' ');
}

/** Probes the servers in parallel and returns one readable line per unreachable one. */
export async function findUnreachableDependencies(options: PreflightOptions): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const probes: Array<Promise<string | undefined>> = [
    probePostgres(options.databaseUrl, timeoutMs).then(
      () => undefined,
      (error: unknown) => describeUnreachable('postgres', options.databaseUrl, error),
    ),
  ];
  if (options.amqpUrl !== undefined) probes.push(probeRabbitNodes(brokerNodeUrls(options.amqpUrl), timeoutMs));
  return (await Promise.all(probes)).filter((line): line is string => line !== undefined);
}

/** Exits the process with code 1 and one stderr line per unreachable server; returns when all answer. */
export async function assertDependenciesReachable(options: PreflightOptions): Promise<void> {
  const problems = await findUnreachableDependencies(options);
  if (problems.length === 0) return;
  for (const line of problems) process.stderr.write(`${line}\n`);
  process.exit(1);
}
