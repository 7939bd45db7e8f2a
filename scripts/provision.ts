/**
 * `npm run provision`: creates or updates every service's database, role, broker user,
 * permissions and the broker topology with the administrator URLs, and writes each service's
 * settings to `.platform/<service>.env` (mode 0600). Idempotent: passwords of an earlier run are kept.
 * `npm run provision -- --artefacts` instead writes the reviewable production artefacts to `deploy/`;
 * `--rotate-keys` and `--retire-keys` start and end a key rotation.
 */
import { join } from 'node:path';
import { provisionAll, writeProvisioningArtefacts } from './provision/provision-platform';

async function main(): Promise<void> {
  if (process.argv.includes('--artefacts')) {
    const written = await writeProvisioningArtefacts(join(process.cwd(), 'deploy'));
    written.forEach((file) => process.stdout.write(`wrote ${file}\n`));
    return;
  }
  const step = process.argv.includes('--rotate-keys') ? 'rotate' : process.argv.includes('--retire-keys') ? 'retire' : 'keep';
  const { dir } = await provisionAll(process.env, undefined, step);
  process.stdout.write(`provisioned; each service's settings are in ${dir}/<service>.env\n`);
  if (step === 'rotate')
    process.stdout.write(
      'new keys and operator token are current, the previous ones still valid: restart every service, then run with --retire-keys\n',
    );
  if (step === 'retire') process.stdout.write('only the newest keys and operator token remain valid: restart every service\n');
}

main().catch((error: Error) => {
  process.stderr.write(`npm run provision failed: ${error.message}\n`);
  process.exit(1);
});
