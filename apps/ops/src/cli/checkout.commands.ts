import { CommandContext } from './dead-letter.commands';
import { formatTime, renderTable } from './format';
import { CliError } from './ops-client';

interface Unfinished {
  count: number;
  oldestAgeSeconds: number;
  checkouts: {
    checkoutId: string;
    startedAt: string;
    ageSeconds: number;
    attempts: number;
    step: string | null;
    lastError: string | null;
    overdue: boolean;
  }[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export async function unfinishedCommand({ client, args, print }: CommandContext): Promise<number> {
  const unfinished = await client.get<Unfinished>('/checkouts/unfinished');
  if (args.json) {
    print(json(unfinished));
    return 0;
  }
  if (unfinished.count === 0) {
    print('Every checkout is final.');
    return 0;
  }
  print(`${unfinished.count} unfinished checkout(s); the oldest started ${unfinished.oldestAgeSeconds.toFixed(1)} s ago.\n`);
  print(
    renderTable(
      ['CHECKOUT', 'STARTED', 'AGE (S)', 'STEP', 'ATTEMPTS', 'LAST ERROR'],
      unfinished.checkouts.map((c) => [
        c.checkoutId,
        formatTime(c.startedAt),
        c.ageSeconds.toFixed(1),
        c.overdue ? `${c.step ?? ''} (overdue)` : c.step,
        c.attempts,
        c.lastError,
      ]),
    ),
  );
  return 0;
}

export async function compensateCommand({ client, args, print }: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new CliError('compensate: give exactly one checkout id', 2);
  const checkoutId = args.positionals[0];
  const outcome = await client.post<{ status: string; reason?: string; compensation?: { refunded: boolean; voided: boolean } }>(
    `/checkouts/${encodeURIComponent(checkoutId)}/compensate`,
  );
  if (args.json) print(json(outcome));
  else if (outcome.status === 'pending') print(`Checkout ${checkoutId} is compensating; it will finish by itself.`);
  else
    print(
      `Checkout ${checkoutId} is ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}${outcome.compensation ? `: refunded ${outcome.compensation.refunded}, voided ${outcome.compensation.voided}` : ''}.`,
    );
  return 0;
}
