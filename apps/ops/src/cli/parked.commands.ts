import { CommandContext } from './dead-letter.commands';
import { formatTime, renderTable } from './format';
import { CliError } from './ops-client';

interface ParkedStream {
  queue: string;
  streamId: string;
  parked: number;
  parkedVersions: number[];
  parkedSince: string;
  blocker: { id: number | null; messageId: string; version: number | null; status: string | null; errorCode: string | null };
}

const versions = (list: number[]): string =>
  list.length > 6 ? `${list.slice(0, 3).join(', ')} … ${list[list.length - 1]}` : list.join(', ');

/** Streams each consumer holds behind a dead letter: the blocker to replay or skip, and what waits behind it. */
export async function parkedCommand({ client, args, print }: CommandContext): Promise<number> {
  const streams = await client.get<ParkedStream[]>('/dead-letters/parked', { queue: args.queue });
  if (args.json) print(JSON.stringify(streams, null, 2));
  else if (streams.length === 0) print('No parked streams.');
  else {
    print(
      renderTable(
        ['QUEUE', 'STREAM', 'BLOCKER', 'BLOCKER VERSION', 'BLOCKER ERROR', 'BLOCKER STATUS', 'PARKED', 'PARKED VERSIONS', 'SINCE'],
        streams.map((s) => [
          s.queue,
          s.streamId,
          s.blocker.id ?? `(not stored: ${s.blocker.messageId})`,
          s.blocker.version ?? '?',
          s.blocker.errorCode ?? '?',
          s.blocker.status ?? '?',
          s.parked,
          versions(s.parkedVersions),
          formatTime(s.parkedSince),
        ]),
      ),
    );
    print(`\nFix the cause, then \`replay <blocker>\`, or \`skip <blocker>\` to go on without it; the parked ones follow in order.`);
  }
  return 0;
}

/** Skips one dead letter: its consumer counts it as applied without its handler, and those parked behind it follow. */
export async function skipCommand({ client, args, print }: CommandContext): Promise<number> {
  const [id] = args.positionals;
  if (args.positionals.length !== 1 || !/^\d{1,15}$/.test(id) || Number(id) < 1)
    throw new CliError('skip: give exactly one dead-letter id', 2);
  const d = await client.post<{ id: number; queue: string; messageId: string }>(`/dead-letters/${id}/skip`);
  print(
    args.json
      ? JSON.stringify(d, null, 2)
      : `Skipped dead letter ${d.id} (${d.queue}, message ${d.messageId}); those parked behind it follow.`,
  );
  return 0;
}
