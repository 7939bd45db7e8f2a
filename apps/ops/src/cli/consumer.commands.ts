import { Presets, SingleBar } from 'cli-progress';
import { createInterface } from 'node:readline/promises';
import { CommandContext } from './dead-letter.commands';
import { CliError, OpsClient } from './ops-client';

interface Backfill {
  total: number;
  remaining: number;
  ratePerSecond: number | null;
  done: boolean;
}

interface RegisteredSubscription {
  name: string;
  status: string;
  lagEvents: number | null;
  backfill: Backfill | null;
}

const POLL_MS = 500;
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** `consumers add|progress|remove <queue>`: a consumer of a producer's events, added at run time. */
export async function consumersCommand(context: CommandContext): Promise<number> {
  const [action, name, ...rest] = context.args.positionals;
  if (!name || rest.length > 0)
    throw new CliError('consumers: give an action and one queue, e.g. consumers add bi.account-events --from 0', 2);
  if (action === 'add') return addConsumer(context, name);
  if (action === 'progress') return followBackfill(context, name);
  if (action === 'remove') return removeConsumer(context, name);
  throw new CliError(`consumers: unknown action "${action}" (add, progress or remove)`, 2);
}

async function addConsumer(context: CommandContext, name: string): Promise<number> {
  const { client, args, print } = context;
  if (args.from === undefined) throw new CliError('consumers add: give the start position with --from 0 (all history) or --from now', 2);
  const answer = await client.post('/subscriptions', {
    name,
    from: args.from,
    ...(args.types?.length ? { eventTypes: args.types } : {}),
    ...(args.rate !== undefined ? { backfillRatePerSecond: args.rate } : {}),
  });
  if (args.json) print(json(answer));
  else print(`Registered ${name} from ${args.from}${args.rate ? `, backfill at most ${args.rate} events/s` : ''}.`);
  return args.detach || args.json ? 0 : followBackfill(context, name);
}

/** Follows the backfill with a progress bar on stderr until the consumer's queue has caught up. */
async function followBackfill({ client, print }: CommandContext, name: string): Promise<number> {
  let subscription = await findSubscription(client, name);
  const bar = new SingleBar(
    {
      format: `Backfilling ${name} |{bar}| {value}/{total} events | {percentage}% | ETA {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 1000,
      hideCursor: process.stderr.isTTY === true,
    },
    Presets.shades_classic,
  );
  const total = subscription.backfill?.total ?? subscription.lagEvents ?? 0;
  bar.start(total, 0);
  try {
    while (!caughtUp(subscription)) {
      bar.update(total - Math.min(total, subscription.backfill?.remaining ?? subscription.lagEvents ?? total));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      subscription = await findSubscription(client, name);
    }
    bar.update(total);
  } finally {
    bar.stop();
  }
  print(`${name} has caught up: ${total} events backfilled; new events follow live.`);
  return 0;
}

const caughtUp = (s: RegisteredSubscription): boolean => (s.backfill ? s.backfill.done : s.lagEvents === 0);

async function findSubscription(client: OpsClient, name: string): Promise<RegisteredSubscription> {
  const list = await client.get<{ subscriptions: RegisteredSubscription[] }>('/subscriptions');
  const found = list.subscriptions.find((s) => s.name === name);
  if (!found) throw new CliError(`No subscription named "${name}"`);
  if (found.status === 'unavailable') throw new CliError(`The producer of ${name} does not answer; try again shortly`);
  return found;
}

async function removeConsumer({ client, args, print }: CommandContext, name: string): Promise<number> {
  if (!args.yes && !(await confirmed(name))) {
    print('Nothing removed.');
    return 1;
  }
  const answer = await client.post<{ next?: string }>(`/subscriptions/${encodeURIComponent(name)}/remove`, { confirm: name });
  if (args.json) print(json(answer));
  else print(`Removed the subscription ${name}.${answer.next ? ` Then: ${answer.next}.` : ''}`);
  return 0;
}

async function confirmed(name: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new CliError(`consumers remove: deleting ${name}'s subscription needs --yes (or a terminal to confirm)`, 2);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(`Delete the subscription ${name} and its cursor? Type its name to confirm: `)).trim() === name;
  } finally {
    prompt.close();
  }
}
