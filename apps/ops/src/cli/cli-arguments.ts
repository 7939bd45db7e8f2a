import { parseArgs } from 'node:util';
import { CliError } from './ops-client';

export const USAGE = `Usage: npm run ops -- <command> [options]

Dead letters
  groups [--status dead|replayed|archived]       dead letters grouped by queue, type and error
  list [--queue Q] [--type T] [--code C] [--status S|all] [--search TEXT] [--since ISO] [--until ISO] [--limit N] [--cursor C]
                                                 --search: within type, error code, error message, stream id, message id
  show <id>                                      one dead letter with body, headers and history
  replay <id>...                                 replay these dead letters into their queues (with those parked behind them)
  replay --queue Q [--type T] [--code C] | --all replay every matching dead letter (with progress)
  replay ... --dry-run                           say how many it would send, in which groups; send nothing
  archive <id>... | --queue Q [--type T] [--code C] | --all
  parked [--queue Q]                             streams held behind a dead letter (the blocker), per consumer queue
  skip <id>                                      go on without this dead letter; those parked behind it follow
  edit <id> --set PATH=VALUE... | --body-file F  edit and retry: fix the stored body (e.g. --set data.currency=EUR; VALUE
                                                 is JSON, or else text) or replace it (F: a file, - for stdin); the edited
                                                 copy is checked against its schema and replayed, the original superseded

Subscriptions
  subscriptions                                  every subscription with its lag
  pause <name>  |  resume <name>                 e.g. pause fraud.account-events
  rewind <name> --to <position>                  re-deliver into that queue after a global position
  rewind <name> --stream <id> --from <version>   re-deliver one stream from a version (fills a GAP_TIMEOUT)
  rebase <producer>                              after a restore or migration of its database: re-base its cursors

Consumers added at run time (provision the broker side first: npm run provision -- --add-consumer <name> --producer <p>)
  consumers add <queue> --from 0|now [--types T1,T2] [--rate N] [--detach]
                                                 register e.g. bi.account-events; follows its backfill with a progress bar
  consumers progress <queue>                     follow a registered consumer's backfill
  consumers remove <queue> [--yes]               delete its subscription (asks to confirm without --yes)

Checkouts
  unfinished                                     checkouts not final yet: count, oldest age, step, last error
  compensate <checkout-id>                       stop trying to finish a checkout and undo it (audited)

Merchant webhooks
  webhook-failures [--limit N] [--cursor C]      deliveries that ran out of retries, across merchants
  webhook-failures replay <delivery-id>...       send them again from a fresh retry schedule (audited)

Audit log
  audit [--stream ID] [--type T] [--producer P] [--after ISO] [--before ISO] [--limit N]

Operator actions (who did what; refused requests too)
  actions [--operator NAME] [--action A] [--target T] [--after ISO] [--before ISO] [--limit N] [--cursor C]

Options
  --json        machine-readable output
  --url URL     the Ops API (default: OPS_URL or http://127.0.0.1:3005)
  --chunk N     dead letters per replay request (default 500)

Environment: OPS_URL, OPS_TOKEN (your own credential from npm run provision -- --add-operator; a viewer reads, an operator
  also replays, edits, skips, archives, pauses, resumes, rewinds and compensates, an admin also manages consumers and
  rebases).
Use --type '' for messages without a type.`;

export interface CliArguments {
  command: string;
  positionals: string[];
  json: boolean;
  all: boolean;
  help: boolean;
  url?: string;
  queue?: string;
  type?: string;
  code?: string;
  status?: string;
  limit?: number;
  after?: string;
  before?: string;
  search?: string;
  since?: string;
  until?: string;
  cursor?: string;
  dryRun: boolean;
  chunk: number;
  to?: number;
  from?: string;
  types?: string[];
  rate?: number;
  yes: boolean;
  detach: boolean;
  stream?: string;
  producer?: string;
  operator?: string;
  action?: string;
  target?: string;
  set: string[];
  bodyFile?: string;
}

const integer = (name: string, value: string | undefined, min: number): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new CliError(`--${name} must be an integer of at least ${min}`, 2);
  return Number(value);
};

/** Parses the command line; a usage mistake is a CliError with exit code 2. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  return {
    command: positionals[0] ?? 'help',
    positionals: positionals.slice(1),
    json: values.json ?? false,
    all: values.all ?? false,
    help: values.help ?? false,
    url: values.url,
    queue: values.queue,
    type: values.type,
    code: values.code,
    status: values.status,
    limit: integer('limit', values.limit, 1),
    after: values.after,
    before: values.before,
    search: values.search,
    since: values.since,
    until: values.until,
    cursor: values.cursor,
    dryRun: values['dry-run'] ?? false,
    chunk: integer('chunk', values.chunk, 1) ?? 500,
    to: integer('to', values.to, 0),
    from: values.from,
    types: values.types
      ?.split(',')
      .map((type) => type.trim())
      .filter(Boolean),
    rate: integer('rate', values.rate, 1),
    yes: values.yes ?? false,
    detach: values.detach ?? false,
    stream: values.stream,
    producer: values.producer,
    operator: values.operator,
    action: values.action,
    target: values.target,
    set: values.set ?? [],
    bodyFile: values['body-file'],
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      url: { type: 'string' },
      queue: { type: 'string' },
      type: { type: 'string' },
      code: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      after: { type: 'string' },
      before: { type: 'string' },
      search: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      cursor: { type: 'string' },
      'dry-run': { type: 'boolean' },
      chunk: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      types: { type: 'string' },
      rate: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      detach: { type: 'boolean' },
      stream: { type: 'string' },
      producer: { type: 'string' },
      operator: { type: 'string' },
      action: { type: 'string' },
      target: { type: 'string' },
      set: { type: 'string', multiple: true },
      'body-file': { type: 'string' },
    },
  });
}
