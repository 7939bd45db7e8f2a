import {
  AuthKeys,
  authSettings,
  ensureAuthKeys,
  retireOldKeys,
  rotateAuthKeys,
  DEFAULT_INSTALLATION,
  SettingsLayout,
  provisionedOpsTokenSettings,
  provisioningSettings,
  DataService,
  brokerDefinitions,
  provision,
  provisioningSql,
  readEnvFiles,
  platformQueues,
  writeEnvFiles,
} from '@app/provisioning';
import { topologyOf } from '@app/messaging';
import { DefaultPorts, ServiceName, retryPolicyFrom } from '@app/contracts';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readSettings } from '@app/config';

export const PLATFORM_DIR = '.platform';

/** Where the settings go: PLATFORM_SETTINGS_DIR (default `.platform`), from the working directory. */
export const platformDir = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(process.cwd(), readSettings(provisioningSettings, env).PLATFORM_SETTINGS_DIR);

export type KeyStep = 'keep' | 'rotate' | 'retire';

/**
 * Provisions the installation named by the defaults with the administrator URLs of `env`, and
 * writes the env files; `keys` starts or ends a key rotation (README, "Rotating a key").
 */
export async function provisionAll(
  env: NodeJS.ProcessEnv = process.env,
  dir = platformDir(env),
  keys: KeyStep = 'keep',
  layout: SettingsLayout = 'files',
) {
  const services = Object.keys(DefaultPorts) as ServiceName[];
  const previous = (await readEnvFiles(dir, services, layout)) as Map<DataService, Record<string, string>>;
  const admin = readSettings(provisioningSettings, env);
  const settings = await provision({
    adminDatabaseUrl: admin.ADMIN_DATABASE_URL,
    adminAmqpUrl: admin.ADMIN_AMQP_URL,
    rabbitmqctl: admin.RABBITMQCTL,
    names: DEFAULT_INSTALLATION,
    previous,
    retryPolicy: retryPolicyFrom(env),
  });
  let authKeys = await ensureAuthKeys(await readKeys(dir), readSettings(provisionedOpsTokenSettings, env).OPS_TOKEN);
  if (keys === 'rotate') authKeys = await rotateAuthKeys(authKeys);
  if (keys === 'retire') authKeys = retireOldKeys(authKeys);
  await writeKeys(dir, authKeys);
  const auth = await authSettings(authKeys, services);
  const files = new Map<string, Record<string, string>>();
  for (const service of services) {
    files.set(service, { ...previous.get(service as DataService), ...settings.get(service as DataService), ...auth.get(service) });
  }
  await writeEnvFiles(dir, files, layout);
  return { dir, settings: files, opsToken: authKeys.opsTokens[0] };
}

// The private keys stay here, with the provisioning; no service's env file holds them (Merchant's own signing key aside).
const keysFile = (dir: string) => join(dir, 'keys.json');

async function readKeys(dir: string): Promise<AuthKeys | undefined> {
  const text = await readFile(keysFile(dir), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as AuthKeys) : undefined;
}

async function writeKeys(dir: string, keys: AuthKeys): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keysFile(dir), `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await chmod(keysFile(dir), 0o600);
}

/** The reviewable artefacts of a production install: the SQL and a RabbitMQ definitions file. */
export async function writeProvisioningArtefacts(dir: string): Promise<string[]> {
  const sql = join(dir, 'provision.sql');
  const definitions = join(dir, 'rabbitmq-definitions.json');
  await writeFile(sql, provisioningSql(DEFAULT_INSTALLATION));
  await writeFile(
    definitions,
    `${JSON.stringify(brokerDefinitions(DEFAULT_INSTALLATION, { topology: topologyOf(platformQueues()) }), null, 2)}\n`,
  );
  return [sql, definitions];
}
