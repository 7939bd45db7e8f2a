import { DefaultPorts, ServiceName, serviceUrlVariable } from '@app/contracts';
import { mintOperatorCredential, mintServiceCredential, OperatorRole, serviceNodeFlags } from '@app/platform';
import {
  DataService,
  addOperator,
  removeOperator,
  InstallationNames,
  ServiceSettings,
  adminDatabaseUrlOf,
  authSettings,
  deprovision,
  deprovisionExtraConsumer,
  ensureAuthKeys,
  provision,
  provisionExtraConsumer,
  vhostUrl,
} from '@app/provisioning';
import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testAmqpUrl, testDatabaseUrl, uniqueSuffix } from './fixtures';
import { logToSpecFile } from './spec-log';

export const TEST_OPS_TOKEN = 'test-ops-token';

/** `init` with the operator's bearer token added: how specs call routes as an operator. */
export function asOperator(init: RequestInit = {}, token = TEST_OPS_TOKEN): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } };
}

/** The operator's authorization header, for specs with a header object of their own. */
export const operatorHeaders = (token = TEST_OPS_TOKEN): Record<string, string> => ({ authorization: `Bearer ${token}` });

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
  /** The operating-system process id, to pause (SIGSTOP) or watch it. */
  pid: number;
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

/** The administrator's URL of the test server's maintenance database. */
export const testAdminDatabaseUrl = (): string => {
  const url = new URL(testDatabaseUrl());
  url.pathname = '/postgres';
  return url.toString();
};

/** Where a platform's installation lives on the broker side: the machine's broker, or a cluster a spec provides. */
export interface PlatformBroker {
  /** The administrator's AMQP URL (a comma-separated list for a cluster). */
  adminAmqpUrl: string;
  /** How to run rabbitmqctl against it, when not plain `rabbitmqctl` (see RABBITMQCTL). */
  rabbitmqctl?: string;
}

const machineBroker = (): PlatformBroker => ({ adminAmqpUrl: testAmqpUrl() });

/**
 * Real service processes (`node dist/apps/<svc>/main.js`) for end-to-end specs. Each platform is
 * an installation of its own, provisioned as `npm run provision` does it (a database and role per
 * service, a RabbitMQ virtual host and a user per service), so specs never see each other's
 * queues or rows, and every service runs with exactly the rights it has in production.
 */
export class TestPlatform {
  readonly names: InstallationNames;
  readonly vhost: string;
  private settings = new Map<DataService, ServiceSettings>();
  private auth = new Map<ServiceName, Record<string, string>>();
  private readonly processes = new Map<ServiceName, ChildProcess>();
  private readonly ports = new Map<ServiceName, number>();
  private readonly logs = new Map<ServiceName, string[]>();
  private readonly instances = new Set<ChildProcess>();
  private readonly extraConsumers = new Set<string>();

  private constructor(
    private readonly services: ServiceName[],
    private readonly extraEnv: NodeJS.ProcessEnv,
    private readonly broker: PlatformBroker,
  ) {
    const suffix = uniqueSuffix();
    this.vhost = `e2e-${suffix}`;
    this.names = { prefix: `e2e_${suffix}_`, vhost: this.vhost };
  }

  /** Provisions the installation, picks free ports and starts `services` (in order, each ready). */
  static async start(services: ServiceName[], extraEnv: NodeJS.ProcessEnv = {}, broker = machineBroker()): Promise<TestPlatform> {
    const platform = new TestPlatform(services, extraEnv, broker);
    for (const service of services) platform.ports.set(service, await freePort());
    try {
      platform.settings = await provision({
        adminDatabaseUrl: testAdminDatabaseUrl(),
        adminAmqpUrl: broker.adminAmqpUrl,
        rabbitmqctl: broker.rabbitmqctl,
        names: platform.names,
      });
      platform.auth = await authSettings(await ensureAuthKeys(undefined, TEST_OPS_TOKEN), Object.keys(DefaultPorts) as ServiceName[]);
      for (const service of services) await platform.startService(service);
    } catch (error) {
      // A spec whose beforeAll fails never reaches afterAll: leave nothing running behind.
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** The administrator's URL of `service`'s database, for specs that look inside it. */
  databaseUrl(service: DataService): string {
    return adminDatabaseUrlOf(testAdminDatabaseUrl(), service, this.names);
  }

  /** A service's own settings (DATABASE_URL, AMQP_URL), for specs that act as that service. */
  settingsOf(service: DataService): ServiceSettings {
    return this.settings.get(service)!;
  }

  /** A credential of `service`'s own (valid an hour), for specs that call as that service. */
  serviceToken(service: ServiceName): string {
    return mintServiceCredential(JSON.parse(this.auth.get(service)!.SERVICE_SIGNING_KEY), service, 3_600);
  }

  /** What Ops sends when it acts for `name` (valid a minute): a credential signed with Ops' own key, naming them and their role. */
  operatorCredential(name: string, role: OperatorRole): string {
    return mintOperatorCredential(JSON.parse(this.auth.get('ops')!.SERVICE_SIGNING_KEY), { name, role }, 60);
  }

  /** The administrator (guest) on this platform's virtual host. */
  get amqpUrl(): string {
    return vhostUrl(this.broker.adminAmqpUrl, this.vhost);
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
    return { url, pid: child.pid!, output: () => log.join(''), stop };
  }

  private spawn(service: ServiceName, port: number, log: string[]): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.settings.get(service as DataService),
      ...this.auth.get(service),
      PORT: String(port),
      OPS_TOKEN: TEST_OPS_TOKEN,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    };
    for (const other of this.services) env[serviceUrlVariable(other)] = this.url(other);
    // Last, so a spec's own settings win, `<SERVICE>_URL` included (e.g. a load balancer's address).
    Object.assign(env, this.extraEnv);
    const child = spawn(process.execPath, [...serviceNodeFlags, join(process.cwd(), 'dist', 'apps', service, 'main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    logToSpecFile(child, `${service}:${port}`);
    return child;
  }

  /** Stops a service: SIGTERM lets it shut down gracefully, SIGKILL simulates a crash. */
  async stopService(service: ServiceName, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(service);
    this.processes.delete(service);
    if (child) await stopChild(child, signal);
  }

  /**
   * Provisions a consumer outside the platform's services as `npm run provision -- --add-consumer`
   * does (its broker user, permissions and queues), and answers its AMQP_URL.
   */
  async addConsumer(consumer: string, producers: string[]): Promise<string> {
    this.extraConsumers.add(consumer);
    const { AMQP_URL } = await provisionExtraConsumer(
      this.broker.adminAmqpUrl,
      this.names,
      { consumer, producers },
      randomBytes(18).toString('base64url'),
      this.ctlEnv(),
    );
    return AMQP_URL;
  }

  /** Adds a named operator as `npm run provision -- --add-operator <name> --role <role>` does; answers their credential. */
  addOperator(name: string, role: OperatorRole): Promise<string> {
    return addOperator(testAdminDatabaseUrl(), this.names, name, role);
  }

  /** Removes one as `npm run provision -- --remove-operator <name>` does. */
  removeOperator(name: string): Promise<boolean> {
    return removeOperator(testAdminDatabaseUrl(), this.names, name);
  }

  /** Removes it as `npm run provision -- --remove-consumer <consumer> --yes` does. */
  async removeConsumer(consumer: string) {
    this.extraConsumers.delete(consumer);
    return deprovisionExtraConsumer(this.broker.adminAmqpUrl, testAdminDatabaseUrl(), this.names, consumer, this.ctlEnv());
  }

  private ctlEnv(): NodeJS.ProcessEnv {
    return this.broker.rabbitmqctl ? { ...process.env, RABBITMQCTL: this.broker.rabbitmqctl } : process.env;
  }

  /** Stops every service, then drops the installation's databases, roles, vhost and users. */
  async stop(): Promise<void> {
    await Promise.all([...this.instances].map((child) => stopChild(child, 'SIGTERM')));
    this.instances.clear();
    await Promise.all([...this.processes.keys()].map((service) => this.stopService(service)));
    for (const consumer of [...this.extraConsumers]) await this.removeConsumer(consumer).catch(() => undefined);
    // Best effort: leftovers hold no state another spec could see.
    await deprovision({ adminDatabaseUrl: testAdminDatabaseUrl(), rabbitmqctl: this.broker.rabbitmqctl, names: this.names }).catch(
      () => undefined,
    );
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
