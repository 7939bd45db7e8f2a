import { BulkAction, collectDeadIds, dryRunReplay, progressBar, runBulk } from './bulk-action';
import { CliArguments } from './cli-arguments';
import { formatTime, renderFields, renderTable } from './format';
import { readFileSync } from 'node:fs';
import { applyEdits } from './edit-body';
import { CliError, OpsClient } from './ops-client';

export interface CommandContext {
  client: OpsClient;
  args: CliArguments;
  print: (text: string) => void;
}

interface DeadLetterSummary {
  id: number;
  queue: string;
  messageId: string;
  type: string | null;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  lastFailedAt: string;
  status: string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export async function groupsCommand({ client, args, print }: CommandContext): Promise<number> {
  const groups = await client.get<
    { queue: string; type: string | null; code: string; count: number; firstFailedAt: string; lastFailedAt: string }[]
  >('/dead-letters/groups', { status: args.status });
  if (args.json) print(json(groups));
  else if (groups.length === 0) print('No dead letters.');
  else {
    print(
      renderTable(
        ['QUEUE', 'TYPE', 'ERROR', 'COUNT', 'FIRST FAILURE', 'LAST FAILURE'],
        groups.map((g) => [g.queue, g.type ?? '(none)', g.code, g.count, formatTime(g.firstFailedAt), formatTime(g.lastFailedAt)]),
      ),
    );
  }
  return 0;
}

export async function listCommand({ client, args, print }: CommandContext): Promise<number> {
  const page = await client.get<{ items: DeadLetterSummary[]; total: number; nextCursor: string | null }>('/dead-letters', {
    queue: args.queue,
    type: args.type,
    code: args.code,
    status: args.status,
    search: args.search,
    from: args.since,
    to: args.until,
    limit: args.limit,
    after: args.after,
    cursor: args.cursor,
  });
  if (args.json) {
    print(json(page));
    return 0;
  }
  if (page.items.length === 0) {
    print('No dead letters match.');
    return 0;
  }
  print(
    renderTable(
      ['ID', 'QUEUE', 'TYPE', 'ERROR', 'ATTEMPTS', 'LAST FAILURE', 'STATUS', 'MESSAGE ID'],
      page.items.map((d) => [
        d.id,
        d.queue,
        d.type ?? '(none)',
        d.errorCode,
        d.attempts,
        formatTime(d.lastFailedAt),
        d.status,
        d.messageId,
      ]),
    ),
  );
  const more = page.nextCursor === null ? '' : `; next page: --cursor ${page.nextCursor}`;
  print(`\n${page.items.length} shown of ${page.total}${more}`);
  return 0;
}

export async function showCommand({ client, args, print }: CommandContext): Promise<number> {
  const id = singleId(args, 'show');
  const d = await client.get<DeadLetterSummary & Record<string, unknown>>(`/dead-letters/${id}`);
  if (args.json) {
    print(json(d));
    return 0;
  }
  const history = (d.history as { at: string; actor: string; action: string }[]) ?? [];
  print(
    renderFields([
      ['Id', d.id],
      ['Queue', d.queue],
      ['Message id', d.messageId],
      ['Type', d.type ?? '(none)'],
      ['Status', d.status],
      ['Error', `${d.errorCode}: ${d.errorMessage}`],
      ['Attempts', d.attempts],
      ['Dead-lettered', `${String(d.timesDeadLettered)} time(s)`],
      ['First failure', formatTime(d.firstFailedAt)],
      ['Last failure', formatTime(d.lastFailedAt)],
      ['Replays', d.replayCount],
    ]),
  );
  print(`\nBody (${String(d.bodyEncoding)}):\n${prettyBody(d.body, d.bodyEncoding)}`);
  print(`\nHeaders:\n${json(d.headers)}`);
  if (history.length > 0) print(`\nHistory:\n${history.map((h) => `  ${formatTime(h.at)}  ${h.action} by ${h.actor}`).join('\n')}`);
  return 0;
}

export const replayCommand = (context: CommandContext) => bulkCommand(context, 'replay');
export const archiveCommand = (context: CommandContext) => bulkCommand(context, 'archive');

/** Ids given, or every dead letter matching the filters: both go through the server in chunks. */
async function bulkCommand({ client, args, print }: CommandContext, action: BulkAction): Promise<number> {
  const filtered = args.queue !== undefined || args.type !== undefined || args.code !== undefined;
  if (args.positionals.length > 0 && (filtered || args.all)) throw new CliError(`${action}: give ids or filters, not both`, 2);
  if (args.positionals.length === 0 && !filtered && !args.all) {
    throw new CliError(`${action}: give dead-letter ids, or --queue/--type/--code, or --all`, 2);
  }
  if (args.positionals.length === 1 && !args.dryRun) {
    const id = positiveId(args.positionals[0]);
    const d = await client.post<DeadLetterSummary>(`/dead-letters/${id}/${action}`);
    print(
      args.json ? json(d) : `${action === 'replay' ? 'Replayed' : 'Archived'} dead letter ${d.id} (${d.queue}, message ${d.messageId}).`,
    );
    return 0;
  }
  if (args.dryRun && action !== 'replay') throw new CliError('--dry-run is for replay', 2);
  const ids =
    args.positionals.length > 0
      ? args.positionals.map((id) => Number(positiveId(id)))
      : await collectDeadIds(client, { queue: args.queue, type: args.type, code: args.code });
  if (args.dryRun) {
    const plan = await dryRunReplay(client, ids);
    if (args.json) print(json(plan));
    else {
      print(
        `Dry run: would replay ${plan.wouldReplay} dead letter(s) of ${ids.length} selected, in ${plan.groups.length} group(s); sent nothing.`,
      );
      if (plan.groups.length > 0) {
        print(
          renderTable(
            ['QUEUE', 'TYPE', 'ERROR', 'COUNT'],
            plan.groups.map((g) => [g.queue, g.type ?? '(none)', g.code, g.count]),
          ),
        );
      }
    }
    return 0;
  }
  if (ids.length === 0) {
    print(args.json ? json({ requested: 0, done: 0, skipped: [], failed: [] }) : `Nothing to ${action}.`);
    return 0;
  }
  const totals = await runBulk(client, action, ids, args.chunk, args.json ? undefined : progressBar(action));
  if (args.json) {
    print(json(totals));
  } else {
    const verb = action === 'replay' ? 'Replayed' : 'Archived';
    print(`${verb} ${totals.done} of ${ids.length} dead letter(s); ${totals.skipped.length} skipped, ${totals.failed.length} failed.`);
    for (const { id, reason } of [...totals.skipped, ...totals.failed].slice(0, 20)) print(`  ${id}: ${reason}`);
  }
  return totals.failed.length > 0 || (args.positionals.length > 0 && totals.skipped.length > 0) ? 1 : 0;
}

/**
 * Edit and retry: the stored body with `--set` edits applied, or the body of `--body-file` (`-`:
 * stdin), sent to `POST /dead-letters/:id/edit`; Ops checks it against the event's schema version,
 * replays the edited copy and keeps the original, superseded.
 */
export async function editCommand({ client, args, print }: CommandContext, readBody = readBodyFile): Promise<number> {
  const id = singleId(args, 'edit');
  if (args.set.length > 0 === (args.bodyFile !== undefined)) {
    throw new CliError('edit: give --set PATH=VALUE (one or more) or --body-file FILE, not both', 2);
  }
  let body: string;
  if (args.bodyFile !== undefined) body = readBody(args.bodyFile);
  else {
    const stored = await client.get<{ body: unknown; bodyEncoding: string }>(`/dead-letters/${id}`);
    if (stored.bodyEncoding !== 'utf8' || typeof stored.body !== 'string') {
      throw new CliError(`dead letter ${id} is not stored as text: replace its body with --body-file`, 2);
    }
    body = applyEdits(stored.body, args.set);
  }
  const outcome = await client.post<{ original: DeadLetterSummary; edited: DeadLetterSummary & { messageId: string } }>(
    `/dead-letters/${id}/edit`,
    { body },
  );
  print(
    args.json
      ? json(outcome)
      : `Edited dead letter ${outcome.original.id} into ${outcome.edited.id} (${outcome.edited.queue}, ${outcome.edited.status}); ` +
          `${outcome.original.id} is ${outcome.original.status}.`,
  );
  return 0;
}

function readBodyFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`edit: cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`, 2);
  }
}

function singleId(args: CliArguments, command: string): string {
  if (args.positionals.length !== 1) throw new CliError(`${command}: give exactly one dead-letter id`, 2);
  return positiveId(args.positionals[0]);
}

function positiveId(value: string): string {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1)
    throw new CliError(`"${value}" is not a dead-letter id (ids are positive integers)`, 2);
  return value;
}

function prettyBody(body: unknown, encoding: unknown): string {
  if (encoding !== 'utf8' || typeof body !== 'string') return String(body);
  try {
    return json(JSON.parse(body));
  } catch {
    return body;
  }
}
