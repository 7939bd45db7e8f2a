// Runs once after every spec: stops the 3-node RabbitMQ cluster if this run started it (a cluster
// someone started by hand, e.g. to iterate on a spec, is left running).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startedByTestsMarker } from './cluster/support/rabbitmq-cluster';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(startedByTestsMarker)) return;
  execFileSync(join(__dirname, '..', 'scripts', 'rabbitmq-cluster.sh'), ['stop'], { stdio: 'inherit', timeout: 120_000 });
}
