import {
  addOperator,
  DEFAULT_ADMIN_DATABASE_URL,
  DEFAULT_INSTALLATION,
  readEnvFiles,
  removeOperator,
  writeEnvFiles,
} from '@app/provisioning';
import { join } from 'node:path';
import { flagValue } from './provision-consumer';
import { platformDir } from './provision-platform';

const adminUrl = (env: NodeJS.ProcessEnv) => env.ADMIN_DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL;

/** `--add-operator <name> --role viewer|operator|admin`: answers the new credential, which is stored nowhere but as its hash. */
export function addOperatorFrom(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; role: string; credential: string }> {
  const name = flagValue(argv, '--add-operator') ?? '';
  const role = flagValue(argv, '--role') ?? '';
  return addOperator(adminUrl(env), DEFAULT_INSTALLATION, name, role).then((credential) => ({ name, role, credential }));
}

/** `--remove-operator <name>`: their credential is refused from Ops' next request on. */
export function removeOperatorFrom(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  return removeOperator(adminUrl(env), DEFAULT_INSTALLATION, flagValue(argv, '--remove-operator') ?? '');
}

/**
 * `--retire-ops-token` (or `--restore-ops-token`): sets OPS_BOOTSTRAP_ADMIN in Ops' settings, so
 * that OPS_TOKEN no longer (or again) logs anyone in to Ops once Ops restarts. Ops keeps the token
 * for its own calls to the other services.
 */
export async function setBootstrapAdmin(enabled: boolean, dir = platformDir()): Promise<string> {
  const ops = (await readEnvFiles(dir, ['ops'])).get('ops');
  if (!ops) throw new Error(`no ${join(dir, 'ops.env')}: run npm run provision first`);
  await writeEnvFiles(dir, new Map([['ops', { ...ops, OPS_BOOTSTRAP_ADMIN: String(enabled) }]]));
  return join(dir, 'ops.env');
}
