import { CommandContext } from './dead-letter.commands';
import { formatTime, renderTable } from './format';

interface OperatorActionsPage {
  items: { at: string; actor: string; action: string; target: string; outcome: number; detail: { code?: string } }[];
  nextCursor: string | null;
}

/** `actions`: what operators did, newest first, refused requests included; `--cursor` pages on. */
export async function actionsCommand({ client, args, print }: CommandContext): Promise<number> {
  const page = await client.get<OperatorActionsPage>('/operator-actions', {
    operator: args.operator,
    action: args.action,
    target: args.target,
    after: args.after,
    before: args.before,
    limit: args.limit,
    cursor: args.cursor,
  });
  if (args.json) {
    print(JSON.stringify(page, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    print('No operator actions match.');
    return 0;
  }
  print(
    renderTable(
      ['AT', 'OPERATOR', 'ACTION', 'TARGET', 'OUTCOME'],
      page.items.map((a) => [formatTime(a.at), a.actor, a.action, a.target, `${a.outcome}${a.detail.code ? ` ${a.detail.code}` : ''}`]),
    ),
  );
  if (page.nextCursor) print(`\nOlder actions: npm run ops -- actions --cursor ${page.nextCursor} (with the same filters)`);
  return 0;
}
