/**
 * `npm start`: every service of the platform on its default port against the default PostgreSQL
 * and RabbitMQ, one sample checkout to show the flow, and a clean stop on Ctrl-C.
 */
import { DefaultPorts, ServiceName } from '@app/contracts';
import { findUnreachableDependencies } from '@app/platform';
import { DEFAULT_ADMIN_AMQP_URL, DEFAULT_ADMIN_DATABASE_URL } from '@app/provisioning';
import { join } from 'node:path';
import { PLATFORM_DIR, provisionAll } from './provision/provision-platform';
import { runSampleCheckout } from './start/sample-checkout';
import { ServiceProcess } from './start/service-process';

// Producers of data first, Checkout after the services it calls, Ops last.
const ORDER: ServiceName[] = ['payment-provider', 'account', 'merchant', 'fraud', 'checkout', 'ops'];
const say = (line: string) => process.stdout.write(`${'[platform]'.padEnd(19)} ${line}\n`);

async function main(): Promise<void> {
  const adminDatabaseUrl = process.env.ADMIN_DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL;
  const adminAmqpUrl = process.env.ADMIN_AMQP_URL || DEFAULT_ADMIN_AMQP_URL;
  const problems = await findUnreachableDependencies({ databaseUrl: adminDatabaseUrl, amqpUrl: adminAmqpUrl });
  if (problems.length > 0) {
    problems.forEach((problem) => process.stderr.write(`${problem}\n`));
    process.exit(1);
  }
  say('provisioning databases, roles, broker users and permissions (npm run provision)…');
  const { opsToken } = await provisionAll();
  const services = ORDER.map(
    (name) =>
      new ServiceProcess(
        name,
        {
          ...withoutAdministration(process.env),
          // Loopback only: the platform is for this machine's eyes.
          HOST: '127.0.0.1',
          PORT: String(DefaultPorts[name]),
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        },
        join(PLATFORM_DIR, `${name}.env`),
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
  say(`operator token: ${opsToken}   (kept in ${PLATFORM_DIR}/; OPS_TOKEN chooses your own)`);
  say('driving one sample checkout:');
  try {
    await runSampleCheckout(
      { account: url('account'), merchant: url('merchant'), checkout: url('checkout'), fraud: url('fraud'), ops: url('ops') },
      opsToken,
      (line) => say(`  ${line}`),
    );
  } catch (error) {
    say(`  the sample checkout failed: ${(error as Error).message}`);
  }
  say('the platform is running; press Ctrl-C to stop it.');
}

/** A service never holds the administrator's credentials. */
function withoutAdministration(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ADMIN_DATABASE_URL: _database, ADMIN_AMQP_URL: _amqp, ...rest } = env;
  return rest;
}

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.message}\n`);
  process.exit(1);
});
