import { parseArgs } from 'node:util';

export const PROVISION_USAGE = `Usage: npm run provision -- [option]

With no option: creates or updates every service's database, role, broker user, permissions and the
broker topology, and writes each service's settings to .platform/<service>.env (idempotent).

  --artefacts                                  write deploy/provision.sql and deploy/rabbitmq-definitions.json instead
  --rotate-keys | --retire-keys                start or end a key rotation (README, "Rotating a key")
  --add-consumer <name> --producer <p>[,<p>]   a consumer outside the platform: its broker user and queues
  --remove-consumer <name> [--yes]             remove it (asks to confirm without --yes)
  --add-operator <name> --role viewer|operator|admin
                                               a named operator; prints their credential once
  --remove-operator <name>                     Ops refuses their credential from its next request
  --retire-ops-token | --restore-ops-token     OPS_TOKEN stops (or again starts) logging anyone in to Ops
  --per-service-dirs                           write <dir>/<service>/service.env (one volume per service, compose)
  -h, --help                                   this text

Environment: ADMIN_DATABASE_URL, ADMIN_AMQP_URL, RABBITMQCTL, PLATFORM_SETTINGS_DIR (docs/configuration.md).`;

/** A usage mistake: the caller prints it with the usage and exits 2. */
export class UsageError extends Error {}

const OPTIONS = {
  artefacts: { type: 'boolean' },
  'rotate-keys': { type: 'boolean' },
  'retire-keys': { type: 'boolean' },
  'add-consumer': { type: 'string' },
  producer: { type: 'string' },
  'remove-consumer': { type: 'string' },
  yes: { type: 'boolean' },
  'add-operator': { type: 'string' },
  role: { type: 'string' },
  'remove-operator': { type: 'string' },
  'retire-ops-token': { type: 'boolean' },
  'restore-ops-token': { type: 'boolean' },
  'per-service-dirs': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// The actions; at most one per run, each with the options it takes.
const ACTIONS: Record<string, readonly string[]> = {
  artefacts: [],
  'rotate-keys': ['per-service-dirs'],
  'retire-keys': ['per-service-dirs'],
  'add-consumer': ['producer'],
  'remove-consumer': ['yes'],
  'add-operator': ['role'],
  'remove-operator': [],
  'retire-ops-token': [],
  'restore-ops-token': [],
};

export type ProvisionArguments = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** The options of `argv` (after the script name); an unknown flag, a stray word or two actions at once is a UsageError. */
export function parseProvisionArguments(argv: readonly string[]): ProvisionArguments {
  let values: ProvisionArguments;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return values;
  const given = Object.keys(values).filter((name) => name in ACTIONS);
  if (given.length > 1) throw new UsageError(`choose one of --${given.join(', --')}`);
  const allowed = new Set(['per-service-dirs', ...(given[0] ? ACTIONS[given[0]] : [])]);
  const stray = Object.keys(values).filter((name) => !(name in ACTIONS) && !allowed.has(name));
  if (stray.length > 0) throw new UsageError(`--${stray[0]} does not go with ${given[0] ? `--${given[0]}` : 'a full provisioning'}`);
  if (values['add-consumer'] !== undefined && !values.producer)
    throw new UsageError('--add-consumer needs --producer <producer>[,<producer>]');
  if (values['add-operator'] !== undefined && !values.role) throw new UsageError('--add-operator needs --role viewer|operator|admin');
  return values;
}
