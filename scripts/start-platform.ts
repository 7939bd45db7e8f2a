/**
 * `npm start`: every service of the platform on its default port against the default PostgreSQL
 * and RabbitMQ, one sample checkout to show the flow, and a clean stop on Ctrl-C.
 */
import { DefaultPorts, ServiceName } from '@app/contracts';
import { findUnreachableDependencies } from '@app/platform';
import { readSettings } from '@app/config';
import { provisioningSettings } from '@app/provisioning';
import { join } from 'node:path';
import { platformDir, provisionAll } from './provision/provision-platform';
import { runSampleCheckout } from './start/sample-checkout';
import { ServiceProcess } from './start/service-process';

// Producers of data first, Checkout after the services it calls, Ops last.
const ORDER: ServiceName[] = ['payment-provider', 'account', 'merchant', 'fraud', 'checkout', 'ops'];
/** What `npm start` prints once its sample checkout went through (.ci/run waits for it), or failed. */
export const SAMPLE_DONE = 'sample checkout complete.';
export const SAMPLE_FAILED = 'the sample checkout failed';

const say = (line: string) => process.stdout.write(`${'[platform]'.padEnd(19)} ${line}\n`);

async function main(): Promise<void> {
  const admin = readSettings(provisioningSettings);
  const problems = await findUnreachableDependencies({ databaseUrl: admin.ADMIN_DATABASE_URL, amqpUrl: admin.ADMIN_AMQP_URL });
  if (problems.length > 0) {
    problems.forEach((problem) => process.stderr.write(`${problem}\n`));
    process.exit(1);
  }
  say('provisioning databases, roles, broker users and permissions (npm run provision)…');
  const { opsToken, settings } = await provisionAll();
  const dir = platformDir();
  const services = ORDER.map(
    (name) =>
      new ServiceProcess(
        name,
        {
          // What was just provisioned wins over the shell (a sourced file must not swap a service's own role for another).
          ...without(process.env, ['ADMIN_DATABASE_URL', 'ADMIN_AMQP_URL', ...Object.keys(settings.get(name) ?? {})]),
          // Loopback only: the platform is for this machine's eyes. LOG_LEVEL as documented (info) unless set.
          HOST: '127.0.0.1',
          PORT: String(DefaultPorts[name]),
        },
        join(dir, `${name}.env`),
      ),
  );

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping every service…');
    for (const service of [...services].reverse()) await service.stop();
    say('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    for (const service of services) {
      service.start((stopped, code) => {
        if (stopping) return;
        say(`${stopped.name} stopped unexpectedly (exit code ${code}).`);
        void stopAll(1);
      });
      await service.waitUntilReady();
      say(`${service.name.padEnd(16)} ready at ${service.url}   (API docs ${service.url}/docs)`);
    }
  } catch (error) {
    say(`the platform could not start: ${(error as Error).message}`);
    return stopAll(1);
  }

  const url = (name: ServiceName) => services.find((s) => s.name === name)!.url;
  say(`ops console        ${url('ops')}/console`);
  say(`operator token: ${opsToken}   (kept in ${dir}/; OPS_TOKEN chooses your own)`);
  say('driving one sample checkout:');
  try {
    await runSampleCheckout(
      { account: url('account'), merchant: url('merchant'), checkout: url('checkout'), fraud: url('fraud'), ops: url('ops') },
      opsToken,
      (line) => say(`  ${line}`),
    );
    say(SAMPLE_DONE);
  } catch (error) {
    say(`  ${SAMPLE_FAILED}: ${(error as Error).message}`);
  }
  say('the platform is running; press Ctrl-C to stop it.');
}

/** `env` less `names`: a service never holds the administrator's credentials, nor a shell's copy of its own settings. */
function without(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.message}\n`);
  process.exit(1);
});
