import type { ServiceName } from '@app/contracts';
import type { DataService } from '@app/provisioning';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { accountApplication } from './accounts';
import { TestPlatform, operatorHeaders } from './platform-processes';
import { PrivatePostgres } from './private-postgres';

/** An HTTP answer as these specs read it: the status and the parsed JSON body (undefined when none). */
export interface PlatformAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A platform of `services` whose databases live on a PostgreSQL server of its own, for specs that
 * stop the database under load: the shared server on 5432 is never stopped. TEST_DATABASE_URL points
 * at the private server while the platform runs (provisioning reads it) and is restored by `stop`.
 */
export class PrivatePostgresPlatform {
  private constructor(
    readonly server: PrivatePostgres,
    readonly platform: TestPlatform,
    private readonly previousDatabaseUrl: string | undefined,
  ) {}

  static async start(services: ServiceName[]): Promise<PrivatePostgresPlatform> {
    const previousDatabaseUrl = process.env.TEST_DATABASE_URL;
    const server = await PrivatePostgres.start();
    process.env.TEST_DATABASE_URL = server.url('platform_test');
    try {
      return new PrivatePostgresPlatform(server, await TestPlatform.start(services), previousDatabaseUrl);
    } catch (error) {
      server.destroy();
      restoreDatabaseUrl(previousDatabaseUrl);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.platform.stop().catch(() => undefined);
    this.server.destroy();
    restoreDatabaseUrl(this.previousDatabaseUrl);
  }

  /** Calls `service` as an operator, with a JSON body when `init` has one; gives up after 10 s. */
  async call(service: ServiceName, path: string, init: RequestInit = {}): Promise<PlatformAnswer> {
    const response = await fetch(`${this.platform.url(service)}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...operatorHeaders(), ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
  }

  /** Whether `service` says it is ready; false while it does not answer (its database down, or the process gone). */
  async ready(service: ServiceName): Promise<boolean> {
    try {
      return (await fetch(`${this.platform.url(service)}/health/ready`, { signal: AbortSignal.timeout(3_000) })).status === 200;
    } catch {
      return false;
    }
  }

  /** Rows of `sql` in `service`'s database, on a session of its own (a stop may cut it: the error is the caller's). */
  async query<T>(service: DataService, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.platform.databaseUrl(service), connectionTimeoutMillis: 2_000 });
    // A session cut by the stop itself fails the query below, not the spec's process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Opens `count` accounts of `limit` through Account (every other one in France), answering their ids. */
  async openAccounts(count: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify(accountApplication({ country: i % 2 ? 'GB' : 'FR', limit }));
      const opened = await this.call('account', '/accounts', { method: 'POST', body });
      if (opened.status !== 201) throw new Error(`opening an account answered ${opened.status}: ${JSON.stringify(opened.body)}`);
      ids.push(opened.body.id as string);
    }
    return ids;
  }

  /**
   * Purchases of 1 on each of `accounts` by `perAccount` buyers each, until `stop()`: a buyer whose
   * purchase fails (the database or Account down) waits 200 ms and tries again. `succeeded()` counts
   * the purchases Account accepted.
   */
  purchaseFlow(accounts: string[], perAccount = 1): { succeeded(): number; stop(): Promise<void> } {
    let flowing = true;
    let succeeded = 0;
    const buyer = async (account: string) => {
      while (flowing) {
        const body = JSON.stringify({ transactionId: randomUUID(), amount: 1, currency: 'EUR' });
        const answer = await this.call('account', `/accounts/${account}/transactions`, { method: 'POST', body }).catch(() => ({
          status: 0,
        }));
        if (answer.status === 201) succeeded++;
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const buyers = accounts.flatMap((account) => Array.from({ length: perAccount }, () => buyer(account)));
    return {
      succeeded: () => succeeded,
      stop: async () => {
        flowing = false;
        await Promise.all(buyers);
      },
    };
  }

  /** Every queue of the platform's virtual host with the messages in it, as `rabbitmqctl list_queues` lines. */
  queueDepths(): string[] {
    const listed = execFileSync(
      'rabbitmqctl',
      ['list_queues', '-p', this.platform.vhost, '--quiet', '--no-table-headers', 'name', 'messages'],
      {
        encoding: 'utf8',
      },
    );
    return listed.split('\n').filter(Boolean);
  }
}

function restoreDatabaseUrl(previous: string | undefined): void {
  if (previous === undefined) delete process.env.TEST_DATABASE_URL;
  else process.env.TEST_DATABASE_URL = previous;
}

/**
 * The platform of the calling describe block: started in its `beforeAll` (a private server, then
 * `services`), stopped and deleted in its `afterAll`. Answers the running installation.
 */
export function privatePostgresPlatform(services: ServiceName[]): () => PrivatePostgresPlatform {
  let installation: PrivatePostgresPlatform | undefined;
  beforeAll(async () => {
    installation = await PrivatePostgresPlatform.start(services);
  });
  afterAll(async () => {
    await installation?.stop();
  });
  return () => {
    if (!installation)
      throw new Error('the private-PostgreSQL platform is not running: call privatePostgresPlatform() inside a describe block');
    return installation;
  };
}
