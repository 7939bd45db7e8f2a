/**
 * `npm run provision`: creates or updates every service's database, role, broker user,
 * permissions and the broker topology with the administrator URLs, and writes each service's
 * settings to `.platform/<service>.env` (mode 0600). Idempotent: passwords of an earlier run are kept.
 * `npm run provision -- --artefacts` instead writes the reviewable production artefacts to `deploy/`.
 */
import { join } from 'node:path';
import { provisionAll, writeProvisioningArtefacts } from './provision/provision-platform';

async function main(): Promise<void> {
  if (process.argv.includes('--artefacts')) {
    const written = await writeProvisioningArtefacts(join(process.cwd(), 'deploy'));
    written.forEach((file) => process.stdout.write(`wrote ${file}\n`));
    return;
  }
  const { dir } = await provisionAll();
  process.stdout.write(`provisioned; each service's settings are in ${dir}/<service>.env\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`npm run provision failed: ${error.message}\n`);
  process.exit(1);
});
