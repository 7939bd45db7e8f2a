import { RetryPolicy, configuredRetryPolicy, retryPolicySettings } from '@app/contracts';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dropBroker, provisionBroker, vhostUrl } from './broker-provisioning';
import { dropDatabases, provisionDatabases } from './database-provisioning';
import { DATA_SERVICES, DataService, InstallationNames, principalOf, ServicePrincipal } from './principals';

export const DEFAULT_ADMIN_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_ADMIN_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface ProvisionOptions {
  adminDatabaseUrl: string;
  /** A comma-separated list for a cluster: each service's AMQP_URL then lists every node too. */
  adminAmqpUrl: string;
  /** How to run rabbitmqctl against that broker, when not plain `rabbitmqctl` (RABBITMQCTL). */
  rabbitmqctl?: string;
  names: InstallationNames;
  /** Settings of an earlier run, whose passwords are kept so that running services stay connected. */
  previous?: ReadonlyMap<DataService, Record<string, string>>;
  /** The installation's retry tiers and attempts (one queue per tier); RETRY_TIERS and RETRY_MAX_ATTEMPTS by default. */
  retryPolicy?: RetryPolicy;
}

/** A service's own connection settings (DATABASE_URL, AMQP_URL) and its retry policy, never the administrator's. */
export type ServiceSettings = Record<string, string>;

const newPassword = (): string => randomBytes(24).toString('base64url');

export function passwordIn(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates or updates every service's database, role, broker user and permissions, and the broker
 * topology (idempotent), and answers each service's connection settings.
 */
export async function provision(options: ProvisionOptions): Promise<Map<DataService, ServiceSettings>> {
  const principals = DATA_SERVICES.map((service) => principalOf(service, options.names));
  const databasePasswords = new Map<string, string>();
  const brokerPasswords = new Map<string, string>();
  for (const { service } of principals) {
    const previous = options.previous?.get(service);
    databasePasswords.set(service, passwordIn(previous?.DATABASE_URL) ?? newPassword());
    brokerPasswords.set(service, passwordIn(previous?.AMQP_URL) ?? newPassword());
  }
  await provisionDatabases(options.adminDatabaseUrl, principals, databasePasswords);
  const retryPolicy = options.retryPolicy ?? configuredRetryPolicy();
  await provisionBroker(options.adminAmqpUrl, options.names, brokerPasswords, ctlEnv(options.rabbitmqctl), retryPolicy.tiers);
  return new Map(
    principals.map((principal) => [
      principal.service,
      {
        DATABASE_URL: serviceDatabaseUrl(options.adminDatabaseUrl, principal, databasePasswords.get(principal.service)!),
        AMQP_URL: vhostUrl(options.adminAmqpUrl, options.names.vhost, {
          user: principal.brokerUser,
          password: brokerPasswords.get(principal.service)!,
        }),
        // The services route failures to the tiers provisioned here.
        ...retryPolicySettings(retryPolicy),
      },
    ]),
  );
}

function serviceDatabaseUrl(adminUrl: string, principal: ServicePrincipal, password: string): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(principal.role);
  url.password = encodeURIComponent(password);
  url.pathname = `/${principal.database}`;
  return url.toString();
}

/** The administrator's URL for a service's database (tests and tools that inspect it). */
export function adminDatabaseUrlOf(adminUrl: string, service: DataService, names: InstallationNames): string {
  const url = new URL(adminUrl);
  url.pathname = `/${principalOf(service, names).database}`;
  return url.toString();
}

/** Removes an installation entirely: for tests, which provision one of their own per spec. */
export async function deprovision(options: Pick<ProvisionOptions, 'adminDatabaseUrl' | 'names' | 'rabbitmqctl'>): Promise<void> {
  const principals = DATA_SERVICES.map((service) => principalOf(service, options.names));
  await Promise.all([dropDatabases(options.adminDatabaseUrl, principals), dropBroker(options.names, ctlEnv(options.rabbitmqctl))]);
}

const ctlEnv = (rabbitmqctl: string | undefined): NodeJS.ProcessEnv =>
  rabbitmqctl ? { ...process.env, RABBITMQCTL: rabbitmqctl } : process.env;

/** `files`: `<dir>/<service>.env`; `directories`: `<dir>/<service>/service.env`, one folder (a volume) per service. */
export type SettingsLayout = 'files' | 'directories';

/** Where a service's settings file is. */
export const envFileOf = (dir: string, service: string, layout: SettingsLayout = 'files'): string =>
  layout === 'directories' ? join(dir, service, 'service.env') : join(dir, `${service}.env`);

// Node's --env-file reads a single-quoted value as it is (JSON included); plain values need no quotes.
const quoted = (value: string): string => (/^[\w:/@.,%+=~-]*$/.test(value) ? value : `'${value}'`);
const unquoted = (value: string): string => (/^'.*'$/.test(value) ? value.slice(1, -1) : value);

/** Reads `<dir>/<service>.env` files of an earlier run (missing ones are skipped). */
export async function readEnvFiles(
  dir: string,
  services: readonly string[],
  layout: SettingsLayout = 'files',
): Promise<Map<string, Record<string, string>>> {
  const found = new Map<string, Record<string, string>>();
  for (const service of services) {
    const text = await readFile(envFileOf(dir, service, layout), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const entries = text.split('\n').flatMap((line) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      return match ? [[match[1], unquoted(match[2])] as const] : [];
    });
    found.set(service, Object.fromEntries(entries));
  }
  return found;
}

/** Writes each service's settings to `<dir>/<service>.env`, readable by the owner only (0600). */
export async function writeEnvFiles(
  dir: string,
  settings: ReadonlyMap<string, Record<string, string>>,
  layout: SettingsLayout = 'files',
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [service, values] of settings) {
    const file = envFileOf(dir, service, layout);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const body = Object.entries(values)
      .map(([key, value]) => `${key}=${quoted(value)}`)
      .join('\n');
    await writeFile(file, `# Written by npm run provision; keep it secret.\n${body}\n`, { mode: 0o600 });
    // writeFile's mode applies only to a new file.
    await chmod(file, 0o600);
  }
}
