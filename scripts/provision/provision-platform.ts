import {
  AuthKeys,
  authSettings,
  ensureAuthKeys,
  retireOldKeys,
  rotateAuthKeys,
  DEFAULT_ADMIN_AMQP_URL,
  DEFAULT_ADMIN_DATABASE_URL,
  DEFAULT_INSTALLATION,
  DataService,
  brokerDefinitions,
  provision,
  provisioningSql,
  readEnvFiles,
  platformQueues,
  writeEnvFiles,
} from '@app/provisioning';
import { topologyOf } from '@app/messaging';
import { DefaultPorts, ServiceName } from '@app/contracts';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PLATFORM_DIR = '.platform';

export type KeyStep = 'keep' | 'rotate' | 'retire';

/**
 * Provisions the installation named by the defaults with the administrator URLs of `env`, and
 * writes the env files; `keys` starts or ends a key rotation (README, "Rotating a key").
 */
export async function provisionAll(env: NodeJS.ProcessEnv = process.env, dir = join(process.cwd(), PLATFORM_DIR), keys: KeyStep = 'keep') {
  const services = Object.keys(DefaultPorts) as ServiceName[];
  const previous = (await readEnvFiles(dir, services)) as Map<DataService, Record<string, string>>;
  const settings = await provision({
    adminDatabaseUrl: env.ADMIN_DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL,
    adminAmqpUrl: env.ADMIN_AMQP_URL || DEFAULT_ADMIN_AMQP_URL,
    names: DEFAULT_INSTALLATION,
    previous,
  });
  let authKeys = await ensureAuthKeys(await readKeys(dir), env.OPS_TOKEN || undefined);
  if (keys === 'rotate') authKeys = await rotateAuthKeys(authKeys);
  if (keys === 'retire') authKeys = retireOldKeys(authKeys);
  await writeKeys(dir, authKeys);
  const auth = await authSettings(authKeys, services);
  const files = new Map<string, Record<string, string>>();
  for (const service of services) {
    files.set(service, { ...previous.get(service as DataService), ...settings.get(service as DataService), ...auth.get(service) });
  }
  await writeEnvFiles(dir, files);
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
