import {
  DATA_SERVICES,
  DEFAULT_ADMIN_AMQP_URL,
  DEFAULT_ADMIN_DATABASE_URL,
  DEFAULT_INSTALLATION,
  DataService,
  brokerDefinitions,
  provision,
  provisioningSql,
  readEnvFiles,
  writeEnvFiles,
} from '@app/platform';
import { topologyOf } from '@app/messaging';
import { platformQueues } from '@app/platform';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PLATFORM_DIR = '.platform';

/** Provisions the installation named by the defaults with the administrator URLs of `env`, and writes the env files. */
export async function provisionAll(env: NodeJS.ProcessEnv = process.env, dir = join(process.cwd(), PLATFORM_DIR)) {
  const previous = (await readEnvFiles(dir, DATA_SERVICES)) as Map<DataService, Record<string, string>>;
  const settings = await provision({
    adminDatabaseUrl: env.ADMIN_DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL,
    adminAmqpUrl: env.ADMIN_AMQP_URL || DEFAULT_ADMIN_AMQP_URL,
    names: DEFAULT_INSTALLATION,
    previous,
  });
  const files = new Map<string, Record<string, string>>();
  for (const [service, values] of settings) files.set(service, { ...previous.get(service), ...values });
  await writeEnvFiles(dir, files);
  return { dir, settings: files };
}

/** The reviewable artefacts of a production install: the SQL and a RabbitMQ definitions file. */
export async function writeProvisioningArtefacts(dir: string): Promise<string[]> {
  const sql = join(dir, 'provision.sql');
  const definitions = join(dir, 'rabbitmq-definitions.json');
  await writeFile(sql, provisioningSql(DEFAULT_INSTALLATION));
  await writeFile(definitions, `${JSON.stringify(brokerDefinitions(DEFAULT_INSTALLATION, { topology: topologyOf(platformQueues()) }), null, 2)}\n`);
  return [sql, definitions];
}
