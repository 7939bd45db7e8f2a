import { CommandContext } from './dead-letter.commands';
import { formatTime, renderTable } from './format';
import { CliError } from './ops-client';

interface Frontier {
  held: boolean | null;
  heldSeconds?: number | null;
  transactionId?: string;
  pid?: number | null;
  query?: string | null;
  database?: string | null;
  error?: string;
  relayRefusal?: string | null;
}

interface SubscriptionList {
  producers: { producer: string; available: boolean; error?: string; frontier?: Frontier }[];
  subscriptions: {
    name: string;
    producer: string;
    consumer: string;
    status: string;
    lagEvents: number | null;
    lagSeconds: number | null;
    cursorPosition: string | null;
    appliedP50Seconds?: number | null;
    appliedP99Seconds?: number | null;
  }[];
}

/** One line per producer: is its commit frontier held, for how long, by whom. */
function describeFrontier(producer: string, frontier: Frontier | undefined): string {
  let line: string;
  if (!frontier || frontier.held === null) line = `${producer}: frontier unknown (${frontier?.error ?? 'not reported'})`;
  else if (!frontier.held) line = `${producer}: commit frontier free`;
  else {
    const age = frontier.heldSeconds == null ? '' : ` for ${frontier.heldSeconds.toFixed(1)} s`;
    const backend = frontier.pid ? ` (pid ${frontier.pid} in ${frontier.database}: ${frontier.query})` : '';
    line = `${producer}: commit frontier HELD${age} by transaction ${frontier.transactionId}${backend}`;
  }
  return frontier?.relayRefusal ? `${line}; relay refuses to run: ${frontier.relayRefusal}` : line;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export async function subscriptionsCommand({ client, args, print }: CommandContext): Promise<number> {
  const list = await client.get<SubscriptionList>('/subscriptions');
  if (args.json) {
    print(json(list));
    return 0;
  }
  print(
    renderTable(
      ['NAME', 'PRODUCER', 'CONSUMER', 'STATUS', 'LAG EVENTS', 'LAG SECONDS', 'CURSOR', 'APPLIED P50', 'APPLIED P99'],
      list.subscriptions.map((s) => [
        s.name,
        s.producer,
        s.consumer,
        s.status,
        s.lagEvents,
        s.lagSeconds?.toFixed(1),
        s.cursorPosition,
        s.appliedP50Seconds?.toFixed(3),
        s.appliedP99Seconds?.toFixed(3),
      ]),
    ),
  );
  print('');
  for (const producer of list.producers) print(describeFrontier(producer.producer, producer.frontier));
  const down = list.producers.filter((p) => !p.available);
  if (down.length > 0) print(`\nUnavailable: ${down.map((p) => `${p.producer} (${p.error ?? 'no answer'})`).join(', ')}`);
  return 0;
}

export const pauseCommand = (context: CommandContext) => subscriptionAction(context, 'pause');
export const resumeCommand = (context: CommandContext) => subscriptionAction(context, 'resume');

export function rewindCommand(context: CommandContext): Promise<number> {
  if (context.args.stream !== undefined) return redeliverStream(context);
  if (context.args.to === undefined) throw new CliError('rewind: give the position with --to <position> (0 rebuilds the consumer)', 2);
  return subscriptionAction(context, 'rewind', { toPosition: context.args.to });
}

/** `rewind <queue> --stream <id> --from <version>`: the producer delivers that one stream again from the version (a GAP_TIMEOUT's missing one). */
async function redeliverStream({ client, args, print }: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new CliError('rewind: give exactly one subscription name, e.g. account.account-events', 2);
  if (args.from === undefined || !/^\d+$/.test(args.from) || Number(args.from) < 1) {
    throw new CliError(
      'rewind --stream: give the first version to deliver again with --from <version> (the missing version of its GAP_TIMEOUT)',
      2,
    );
  }
  const name = args.positionals[0];
  const answer = await client.post<{ events: number }>(`/subscriptions/${encodeURIComponent(name)}/redeliver`, {
    streamId: args.stream,
    fromVersion: Number(args.from),
  });
  print(
    args.json ? json(answer) : `Re-delivered ${answer.events} event(s) of ${String(args.stream)} from version ${args.from} into ${name}.`,
  );
  return 0;
}

async function subscriptionAction({ client, args, print }: CommandContext, action: string, body?: object): Promise<number> {
  if (args.positionals.length !== 1) throw new CliError(`${action}: give exactly one subscription name, e.g. fraud.account-events`, 2);
  const name = args.positionals[0];
  const answer = await client.post(`/subscriptions/${encodeURIComponent(name)}/${action}`, body);
  const done = { pause: `Paused ${name}.`, resume: `Resumed ${name}.`, rewind: `Rewound ${name} to position ${String(args.to)}.` }[action];
  print(args.json ? json(answer) : (done ?? `${action} ${name}: done.`));
  return 0;
}

/** After a restore or migration of a producer's database: `rebase <producer>`. */
export async function rebaseCommand({ client, args, print }: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new CliError('rebase: give exactly one producer, e.g. account', 2);
  const producer = args.positionals[0];
  const answer = await client.post<{ rebased: boolean; transactions: number; cursors: number }>(
    `/subscriptions/producers/${encodeURIComponent(producer)}/rebase`,
  );
  if (args.json) print(json(answer));
  else if (!answer.rebased) print(`${producer}: no stored transaction id is ahead of the server; nothing to re-base.`);
  else print(`${producer}: re-based ${answer.transactions} transactions and ${answer.cursors} cursors; its relay runs again.`);
  return 0;
}

export async function auditCommand({ client, args, print }: CommandContext): Promise<number> {
  const page = await client.get<{ items: Record<string, unknown>[]; nextCursor: string | null }>('/audit', {
    streamId: args.stream,
    type: args.type,
    producer: args.producer,
    after: args.after,
    before: args.before,
    limit: args.limit,
  });
  if (args.json) {
    print(json(page));
    return 0;
  }
  if (page.items.length === 0) {
    print('No events match.');
    return 0;
  }
  print(
    renderTable(
      ['OCCURRED AT', 'PRODUCER', 'STREAM', 'VERSION', 'TYPE', 'POSITION'],
      page.items.map((e) => [formatTime(e.occurredAt), e.producer, e.streamId, e.streamVersion, e.type, e.globalPosition]),
    ),
  );
  if (page.nextCursor) print('\nMore events are older; narrow the search with --before or --type.');
  return 0;
}
