import {
  DEFAULT_ADMIN_AMQP_URL,
  DEFAULT_ADMIN_DATABASE_URL,
  DEFAULT_INSTALLATION,
  deprovisionExtraConsumer,
  extraConsumerQueues,
  passwordIn,
  provisionExtraConsumer,
  readEnvFiles,
  writeEnvFiles,
} from '@app/provisioning';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { platformDir } from './provision-platform';

/** The value after `flag` in `argv` (`--flag value` or `--flag=value`). */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/**
 * `--add-consumer <name> --producer <p>[,<p>…]`: the consumer's broker user, permissions and
 * queues, as the administrator; its AMQP_URL goes to `.platform/<name>.env` (0600). Its
 * subscription is then registered by an operator through Ops (`npm run ops -- consumers add`).
 */
export async function addConsumer(argv: readonly string[], env: NodeJS.ProcessEnv, dir = platformDir()) {
  const consumer = flagValue(argv, '--add-consumer') ?? '';
  const producers = (flagValue(argv, '--producer') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const previous = (await readEnvFiles(dir, [consumer])).get(consumer);
  const password = passwordIn(previous?.AMQP_URL) ?? randomBytes(24).toString('base64url');
  const settings = await provisionExtraConsumer(
    env.ADMIN_AMQP_URL || DEFAULT_ADMIN_AMQP_URL,
    DEFAULT_INSTALLATION,
    { consumer, producers },
    password,
    env,
  );
  await writeEnvFiles(dir, new Map([[consumer, { ...previous, ...settings }]]));
  return { file: join(dir, `${consumer}.env`), queues: extraConsumerQueues({ consumer, producers }) };
}

/** `--remove-consumer <name> [--yes]`: after a confirmation, its subscriptions, queues and broker user go. */
export async function removeConsumer(argv: readonly string[], env: NodeJS.ProcessEnv, dir = platformDir()) {
  const consumer = flagValue(argv, '--remove-consumer') ?? '';
  if (!argv.includes('--yes') && !(await confirmed(consumer))) return undefined;
  const removed = await deprovisionExtraConsumer(
    env.ADMIN_AMQP_URL || DEFAULT_ADMIN_AMQP_URL,
    env.ADMIN_DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL,
    DEFAULT_INSTALLATION,
    consumer,
    env,
  );
  await rm(join(dir, `${consumer}.env`), { force: true });
  return removed;
}

async function confirmed(consumer: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new Error(`removing "${consumer}" deletes its subscriptions and queues with their messages: add --yes`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Delete consumer "${consumer}": its subscriptions, queues and their messages? Type its name: `);
    return answer.trim() === consumer;
  } finally {
    prompt.close();
  }
}
