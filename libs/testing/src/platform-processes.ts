import { DefaultPorts, ServiceName, serviceNodeFlags, serviceUrlVariable } from '@app/contracts';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { testAmqpUrl, testDatabaseUrl, uniqueSuffix } from './fixtures';

export const TEST_OPS_TOKEN = 'test-ops-token';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** A further process of a service, started by `TestPlatform.startInstance`. */
export interface ServiceInstance {
  url: string;
  output(): string;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** SIGTERM lets the process shut down gracefully (forced after 15 s); SIGKILL simulates a crash. */
async function stopChild(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(force);
}

const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 60_000 });

/**
 * Real service processes (`node dist/apps/<svc>/main.js`) for end-to-end specs. Each platform gets
 * its own database and RabbitMQ virtual host, so specs never see each other's queues or rows.
 */
export class TestPlatform {
  readonly database: string;
  readonly vhost: string;
  private readonly processes = new Map<ServiceName, ChildProcess>();
  private readonly ports = new Map<ServiceName, number>();
  private readonly logs = new Map<ServiceName, string[]>();
  private readonly instances = new Set<ChildProcess>();

  private constructor(private readonly services: ServiceName[], private readonly extraEnv: NodeJS.ProcessEnv) {
    const suffix = uniqueSuffix();
    this.database = `platform_e2e_${suffix}`;
    this.vhost = `e2e-${suffix}`;
  }

  /** Creates the database and vhost, picks free ports and starts `services` (in order, each ready). */
  static async start(services: ServiceName[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TestPlatform> {
    const platform = new TestPlatform(services, extraEnv);
    rabbitmqctl('add_vhost', platform.vhost);
    rabbitmqctl('set_permissions', '-p', platform.vhost, 'guest', '.*', '.*', '.*');
    for (const service of services) platform.ports.set(service, await freePort());
    try {
      for (const service of services) await platform.startService(service);
    } catch (error) {
      // A spec whose beforeAll fails never reaches afterAll: leave nothing running behind.
      await platform.stop();
      throw error;
    }
    return platform;
  }

  get databaseUrl(): string {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${this.database}`;
    return url.toString();
  }

  get amqpUrl(): string {
    return `${testAmqpUrl().replace(/\/$/, '')}/${encodeURIComponent(this.vhost)}`;
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports.get(service) ?? DefaultPorts[service]}`;
  }

  /** The operating-system process id of a running service, to watch its memory. */
  pid(service: ServiceName): number | undefined {
    return this.processes.get(service)?.pid;
  }

  /** Everything the service printed so far, for a failing spec's message. */
  output(service: ServiceName): string {
    return (this.logs.get(service) ?? []).join('');
  }

  async startService(service: ServiceName): Promise<void> {
    const log = this.logs.get(service) ?? [];
    this.logs.set(service, log);
    const child = this.spawn(service, this.ports.get(service)!, log);
    this.processes.set(service, child);
    await this.waitUntilReady(service, child);
  }

  /**
   * Starts one more process of `service` on a port of its own, sharing the platform's database
   * and vhost, as a second instance behind a load balancer would; `stop()` ends it too.
   */
  async startInstance(service: ServiceName): Promise<ServiceInstance> {
    const port = await freePort();
    const log: string[] = [];
    const child = this.spawn(service, port, log);
    this.instances.add(child);
    const url = `http://127.0.0.1:${port}`;
    const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
      this.instances.delete(child);
      await stopChild(child, signal);
    };
    try {
      await this.waitUntilReady(service, child, 60_000, url, () => log.join(''));
    } catch (error) {
      await stop('SIGKILL');
      throw error;
    }
    return { url, output: () => log.join(''), stop };
  }

  private spawn(service: ServiceName, port: number, log: string[]): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      AMQP_URL: this.amqpUrl,
      PORT: String(port),
      OPS_TOKEN: TEST_OPS_TOKEN,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      ...this.extraEnv,
    };
    for (const other of this.services) env[serviceUrlVariable(other)] = this.url(other);
    const child = spawn(process.execPath, [...serviceNodeFlags, join(process.cwd(), 'dist', 'apps', service, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    return child;
  }

  /** Stops a service: SIGTERM lets it shut down gracefully, SIGKILL simulates a crash. */
  async stopService(service: ServiceName, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(service);
    this.processes.delete(service);
    if (child) await stopChild(child, signal);
  }

  /** Stops every service, then drops the database and the vhost. */
  async stop(): Promise<void> {
    await Promise.all([...this.instances].map((child) => stopChild(child, 'SIGTERM')));
    this.instances.clear();
    await Promise.all([...this.processes.keys()].map((service) => this.stopService(service)));
    try {
      rabbitmqctl('delete_vhost', this.vhost);
    } catch {
      // Best effort: a leftover vhost holds no state another spec could see.
    }
    const adminUrl = new URL(testDatabaseUrl());
    adminUrl.pathname = '/postgres';
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }

  private async waitUntilReady(
    service: ServiceName,
    child: ChildProcess,
    timeoutMs = 60_000,
    url = this.url(service),
    output = () => this.output(service),
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}:\n${output()}`);
      try {
        const response = await fetch(`${url}/health/ready`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${service} was not ready within ${timeoutMs} ms:\n${output()}`);
  }
}
