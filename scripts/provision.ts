/**
 * `npm run provision`: creates or updates every service's database, role, broker user,
 * permissions and the broker topology with the administrator URLs, and writes each service's
 * settings to `.platform/<service>.env` (mode 0600). Idempotent: passwords of an earlier run are kept.
 * `npm run provision -- --artefacts` instead writes the reviewable production artefacts to `deploy/`;
 * `--rotate-keys` and `--retire-keys` start and end a key rotation. `--add-consumer <name> --producer <p>`
 * and `--remove-consumer <name> [--yes]` add and remove a consumer outside the platform's services.
 * `--add-operator <name> --role viewer|operator|admin` and `--remove-operator <name>` manage named
 * operators; `--retire-ops-token` stops OPS_TOKEN logging anyone in to Ops (`--restore-ops-token` undoes it).
 */
import { readSettings } from '@app/config';
import { findUnreachableDependencies } from '@app/platform';
import { provisioningSettings } from '@app/provisioning';
import { join } from 'node:path';
import { PROVISION_USAGE, UsageError, parseProvisionArguments } from './provision/provision-arguments';
import { addConsumer, removeConsumer } from './provision/provision-consumer';
import { addOperatorFrom, removeOperatorFrom, setBootstrapAdmin } from './provision/provision-operator';
import { provisionAll, writeProvisioningArtefacts } from './provision/provision-platform';

async function main(): Promise<number> {
  const args = parseProvisionArguments(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${PROVISION_USAGE}\n`);
    return 0;
  }
  // Before any connection: say which server is missing and how to provide it, never a raw connection error.
  const offline = args.artefacts || args['retire-ops-token'] || args['restore-ops-token'];
  if (!offline) {
    const admin = readSettings(provisioningSettings);
    const problems = await findUnreachableDependencies({ databaseUrl: admin.ADMIN_DATABASE_URL, amqpUrl: admin.ADMIN_AMQP_URL });
    if (problems.length > 0) {
      problems.forEach((problem) => process.stderr.write(`${problem.replace(/\b(DATABASE_URL|AMQP_URL)\b/g, 'ADMIN_$1')}\n`));
      return 1;
    }
  }
  if (args['add-consumer'] !== undefined) {
    const { file, queues } = await addConsumer(process.argv, process.env);
    process.stdout.write(
      `provisioned ${queues.join(', ')} with retry and dead-letter queues; its broker user's settings are in ${file}\n` +
        `next, an operator registers its subscription: npm run ops -- consumers add ${queues[0]} --from 0\n`,
    );
    return 0;
  }
  if (args['remove-consumer'] !== undefined) {
    const removed = await removeConsumer(process.argv, process.env);
    process.stdout.write(
      removed ? `removed subscriptions (${removed.subscriptions.join(', ') || 'none'}), queues and broker user\n` : 'nothing removed\n',
    );
    return 0;
  }
  if (args['add-operator'] !== undefined) {
    const { name, role, credential } = await addOperatorFrom(process.argv, process.env);
    process.stdout.write(
      `operator ${name} (${role}) added; their credential, shown this once (Ops keeps only its SHA-256):\n${credential}\n` +
        'they use it as OPS_TOKEN for npm run ops, and sign in to the console with it\n',
    );
    return 0;
  }
  if (args['remove-operator'] !== undefined) {
    const removed = await removeOperatorFrom(process.argv, process.env);
    process.stdout.write(removed ? 'operator removed; Ops refuses their credential from now on\n' : 'no such operator\n');
    return 0;
  }
  if (args['retire-ops-token'] || args['restore-ops-token']) {
    const retire = args['retire-ops-token'] === true;
    const file = await setBootstrapAdmin(!retire);
    process.stdout.write(
      `OPS_BOOTSTRAP_ADMIN=${!retire} in ${file}; restart Ops: OPS_TOKEN ${retire ? 'no longer logs anyone in' : 'logs in as the bootstrap admin again'}\n`,
    );
    return 0;
  }
  if (args.artefacts) {
    const written = await writeProvisioningArtefacts(join(process.cwd(), 'deploy'));
    written.forEach((file) => process.stdout.write(`wrote ${file}\n`));
    return 0;
  }
  const step = args['rotate-keys'] ? 'rotate' : args['retire-keys'] ? 'retire' : 'keep';
  const layout = args['per-service-dirs'] ? 'directories' : 'files';
  const { dir } = await provisionAll(process.env, undefined, step, layout);
  process.stdout.write(
    `provisioned; each service's settings are in ${dir}/${layout === 'files' ? '<service>.env' : '<service>/service.env'}\n`,
  );
  if (step === 'rotate')
    process.stdout.write(
      'new keys and operator token are current, the previous ones still valid: restart every service, then run with --retire-keys\n',
    );
  if (step === 'retire') process.stdout.write('only the newest keys and operator token remain valid: restart every service\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`npm run provision: ${error.message}\n\n${PROVISION_USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`npm run provision failed: ${error.message}\n`);
    process.exit(1);
  },
);
