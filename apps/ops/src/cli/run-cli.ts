import { ConfigValidationError, readSettings } from '@app/config';
import { cliSettings } from './cli.settings';
import { compensateCommand, unfinishedCommand } from './checkout.commands';
import { USAGE, parseCliArguments } from './cli-arguments';
import { consumersCommand } from './consumer.commands';
import {
  archiveCommand,
  CommandContext,
  editCommand,
  groupsCommand,
  listCommand,
  replayCommand,
  showCommand,
} from './dead-letter.commands';
import { CliError, OpsClient } from './ops-client';
import { actionsCommand } from './operator-action.commands';
import { parkedCommand, skipCommand } from './parked.commands';
import { auditCommand, pauseCommand, rebaseCommand, resumeCommand, rewindCommand, subscriptionsCommand } from './subscription.commands';
import { webhookFailuresCommand } from './webhook-failure.commands';

const COMMANDS: Record<string, (context: CommandContext) => Promise<number>> = {
  groups: groupsCommand,
  list: listCommand,
  show: showCommand,
  replay: replayCommand,
  archive: archiveCommand,
  edit: (context) => editCommand(context),
  parked: parkedCommand,
  skip: skipCommand,
  subscriptions: subscriptionsCommand,
  pause: pauseCommand,
  resume: resumeCommand,
  rewind: rewindCommand,
  rebase: rebaseCommand,
  audit: auditCommand,
  unfinished: unfinishedCommand,
  compensate: compensateCommand,
  consumers: consumersCommand,
  actions: actionsCommand,
  'webhook-failures': webhookFailuresCommand,
};

export interface CliIo {
  print: (text: string) => void;
  error: (text: string) => void;
}

const standardIo: CliIo = {
  print: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

/** Runs one CLI command and answers its exit code; every failure is one readable line on stderr. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo = standardIo): Promise<number> {
  try {
    const args = parseCliArguments(argv);
    if (args.help || args.command === 'help') {
      io.print(USAGE);
      return 0;
    }
    const command = COMMANDS[args.command];
    if (!command) throw new CliError(`Unknown command "${args.command}".\n\n${USAGE}`, 2);
    const settings = readSettings(cliSettings, env);
    const client = new OpsClient(args.url ?? settings.OPS_URL ?? 'http://127.0.0.1:3005', settings.OPS_TOKEN);
    return await command({ client, args, print: io.print });
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      io.error(`ops: ${error.message}`);
      return 2;
    }
    if (error instanceof CliError) {
      io.error(`ops: ${error.message}`);
      return error.exitCode;
    }
    io.error(`ops: unexpected failure: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}
