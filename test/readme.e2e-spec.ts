import { TestPlatform, TEST_OPS_TOKEN, eventually } from '@app/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueWriter, asDeadLetter, eventMessage, startPlatform } from './support/ops-e2e-support';
import { send } from './support/http';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const configuration = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');

/** Every command line of the README's ```bash blocks, without its trailing comment. */
const readmeCommands = (): string[] =>
  [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
    .flatMap((block) => block[1].split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');

/**
 * What CI itself runs (.ci/run: the checks and `npm test`), and `npm start`, which the reader runs first: starting or
 * testing the whole platform, or checking the whole tree, cannot run inside a spec, nor can one kind of the specs
 * (`npm test` runs each) or the long soak (the soak kind at full size).
 */
const RUN_BY_CI = new Set([
  'npm start',
  ...[...readFileSync(join(root, '.ci', 'run'), 'utf8').matchAll(/^\s*(?:step "[^"]+" )?(npm (?:test|run [\w:-]+))\s*$/gm)].map(
    (match) => match[1],
  ),
  ...['unit', 'int', 'e2e', 'chaos', 'soak'].map((kind) => `npm run test:${kind}`),
  // `npm test` builds first, and the build type-checks the whole tree before it bundles (package.json).
  'npm run typecheck',
]);

/**
 * Commands that act on one live object the spec does not make (an unfinished checkout needs every
 * service and a failing provider): run on an id that does not exist, they must reach their route and
 * be answered "not found" by it, which a command or route that drifted would not be.
 */
const ANSWERED_NOT_FOUND: Record<string, RegExp> = { 'npm run ops -- compensate': /CHECKOUT_NOT_FOUND/ };

const shell = (command: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> =>
  new Promise((resolve) =>
    execFile('bash', ['-c', command], { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );

/** The README's commands, run as a reader would run them, against a running platform. */
describe('README', () => {
  let platform: TestPlatform;
  let writer: QueueWriter;
  const queue = 'account.account-events';

  beforeAll(async () => {
    platform = await startPlatform(['account', 'checkout', 'ops']);
    writer = await new QueueWriter(platform.amqpUrl).start();
  });

  afterAll(async () => {
    await writer?.stop();
    await platform?.stop();
  });

  it('shows only commands that this spec or CI runs', () => {
    const commands = readmeCommands();
    expect(commands.filter((command) => command.startsWith('npm run ops -- ')).length).toBeGreaterThanOrEqual(4);
    expect(commands.filter((command) => !RUN_BY_CI.has(command) && !command.startsWith('npm run ops -- '))).toEqual([]);
  });

  it('runs every ops command it shows, successfully', async () => {
    // A dead letter, so that `groups` and `replay` have a group to show and to replay.
    const message = eventMessage({ type: 'LimitUpdated', streamId: `account-${randomUUID()}`, streamVersion: 1, data: {} });
    await writer.publish(`${queue}.dlq`, [asDeadLetter(message, queue, 'SCHEMA_VIOLATION', 'data.id must be a uuid')]);
    await eventually(async () =>
      (await send(platform.url('ops'), 'GET', '/dead-letters/groups')).body.some?.((g: { queue: string }) => g.queue === queue),
    );
    const placeholders: Record<string, string> = {
      '<queue>': queue,
      '<type>': 'LimitUpdated',
      '<code>': 'SCHEMA_VIOLATION',
      '<checkout-id>': randomUUID(),
    };
    const env = { OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN };

    for (const shown of readmeCommands().filter((command) => !RUN_BY_CI.has(command))) {
      const command = shown.replace(/<[a-z-]+>/g, (placeholder) => placeholders[placeholder] ?? placeholder);
      expect(command).not.toMatch(/<[a-z-]+>/);
      const { code, output } = await shell(command, env);
      const notFound = Object.entries(ANSWERED_NOT_FOUND).find(([prefix]) => command.startsWith(prefix))?.[1];
      if (notFound) expect({ command, output }).toMatchObject({ command, output: expect.stringMatching(notFound) });
      else expect({ command, code, output }).toMatchObject({ command, code: 0 });
    }
  });

  it('opens with the two commands, then what the platform is, then operating it, then development', () => {
    expect(readmeCommands().slice(0, 2)).toEqual(['npm start', 'npm test']);
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings.slice(0, 3)).toEqual(['What it is', 'Operating it', 'Development']);
    expect(readme).toContain('](docs/architecture.md)');
    expect(readme).toContain('](docs/configuration.md)');
  });

  it('has docs/configuration.md list every environment variable the code reads, as does .env.example', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const read = [
      'DATABASE_URL',
      'DATABASE_POOL_SIZE',
      'AMQP_URL',
      'PORT',
      'OPS_TOKEN',
      'LOG_LEVEL',
      'OPS_URL',
      'OPS_BOOTSTRAP_ADMIN',
      'DEAD_LETTER_RETENTION_DAYS',
      'OPERATOR_ACTION_RETENTION_DAYS',
      'RETENTION_INTERVAL_MS',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'ACCOUNT_URL',
      'MERCHANT_URL',
      'CHECKOUT_URL',
      'FRAUD_URL',
      'PAYMENT_PROVIDER_URL',
      'ACCOUNT_MAX_LIMIT',
      'PROVIDER_TEST_ROUTES',
      'HOST',
      'SHUTDOWN_GRACE_MS',
      'AUTH_PUBLIC_KEYS',
      'SERVICE_TOKEN',
      'SERVICE_SIGNING_KEY',
      'SERVICE_CREDENTIAL_TTL_SECONDS',
      'KEY_STATUS_POLL_MS',
      'MERCHANT_KEY_SIGNING_KEY',
      'ADMIN_DATABASE_URL',
      'ADMIN_AMQP_URL',
      'RABBITMQCTL',
      'HTTP_HEADERS_TIMEOUT_MS',
      'HTTP_BODY_TIMEOUT_MS',
      'HTTP_REQUEST_TIMEOUT_MS',
      'HTTP_KEEP_ALIVE_TIMEOUT_MS',
      'HTTP_MAX_CONNECTIONS',
      ...sourceVariables(),
    ];
    for (const variable of new Set(read)) {
      const listed = configuration.includes(`\`${variable}\``) || configuration.includes(`${variable}\``);
      expect({ variable, inConfiguration: listed }).toEqual({ variable, inConfiguration: true });
      expect({ variable, inExample: new RegExp(`^#? ?${variable}=`, 'm').test(example) }).toEqual({ variable, inExample: true });
    }
  });
});

/** Variables named in the services' option tables: CHECKOUT_*, FRAUD_*, PROVIDER_*. */
function sourceVariables(): string[] {
  const files = [
    'apps/checkout/src/checkouts/downstream/downstream.options.ts',
    'apps/checkout/src/checkouts/unfinished/recovery.options.ts',
    'apps/fraud/src/assessments/risk-policy.config.ts',
  ];
  const named = files.flatMap((file) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/'((?:CHECKOUT|FRAUD)_[A-Z_]+)'/g)].map((m) => m[1]),
  );
  const provider = ['PROVIDER_LATENCY_MS', 'PROVIDER_FAILURE_RATE', 'PROVIDER_MODE'];
  return [...named.filter((name) => !name.endsWith('_UNAVAILABLE')), ...provider];
}
