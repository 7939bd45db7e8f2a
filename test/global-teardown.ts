// Runs once after every spec: stops the 3-node RabbitMQ cluster if this run started it (a cluster
// someone started by hand, e.g. to iterate on a spec, or another jest run on the same machine, is
// left running). The chaos kind runs in band, so the process that started it is this one.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startedByTestsMarker } from './cluster/support/rabbitmq-cluster';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(startedByTestsMarker)) return;
  if (Number(readFileSync(startedByTestsMarker, 'utf8').trim()) !== process.pid) return;
  execFileSync(join(__dirname, '..', 'scripts', 'rabbitmq-cluster.sh'), ['stop'], { stdio: 'inherit', timeout: 120_000 });
}
