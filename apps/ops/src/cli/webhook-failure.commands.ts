import { CommandContext } from './dead-letter.commands';
import { formatTime, renderTable } from './format';
import { CliError } from './ops-client';

interface WebhookFailures {
  items: {
    id: string;
    merchantId: string;
    endpointUrl: string;
    endpointState: string;
    eventType: string;
    attempts: number;
    lastAttemptAt?: string;
    lastStatusCode?: number;
    lastError?: string;
  }[];
  nextCursor: string | null;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** `webhook-failures [--limit N] [--cursor C]`, or `webhook-failures replay <delivery-id>...`. */
export async function webhookFailuresCommand(context: CommandContext): Promise<number> {
  const [sub, ...ids] = context.args.positionals;
  if (sub === 'replay') return replay(context, ids);
  if (sub !== undefined) throw new CliError(`webhook-failures: unknown "${sub}"; give "replay <delivery-id>..." or nothing`, 2);
  const { client, args, print } = context;
  const page = await client.get<WebhookFailures>('/webhook-failures', { limit: args.limit, cursor: args.cursor });
  if (args.json) {
    print(json(page));
    return 0;
  }
  if (page.items.length === 0) {
    print('No failed webhook deliveries.');
    return 0;
  }
  print(
    renderTable(
      ['DELIVERY', 'FAILED', 'TYPE', 'ATTEMPTS', 'LAST ANSWER', 'MERCHANT', 'ENDPOINT'],
      page.items.map((d) => [
        d.id,
        formatTime(d.lastAttemptAt),
        d.eventType,
        d.attempts,
        d.lastError ?? d.lastStatusCode,
        d.merchantId,
        d.endpointState === 'enabled' ? d.endpointUrl : `${d.endpointUrl} (disabled)`,
      ]),
    ),
  );
  if (page.nextCursor) print(`\nMore: --cursor ${page.nextCursor}`);
  return 0;
}

async function replay({ client, args, print }: CommandContext, ids: string[]): Promise<number> {
  if (ids.length === 0) throw new CliError('webhook-failures replay: give one or more delivery ids', 2);
  const answer = await client.post<{ replayed: string[]; waitingForEndpoint: string[]; skipped: string[] }>('/webhook-failures/replay', {
    ids,
  });
  if (args.json) print(json(answer));
  else {
    print(`Replayed ${answer.replayed.length} webhook deliveries.`);
    if (answer.waitingForEndpoint.length > 0) print(`Waiting for their endpoint to be enabled: ${answer.waitingForEndpoint.join(' ')}`);
    if (answer.skipped.length > 0) print(`Not failed (unknown, pending or delivered), left as they are: ${answer.skipped.join(' ')}`);
  }
  return answer.skipped.length > 0 ? 1 : 0;
}
