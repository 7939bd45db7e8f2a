import { freePort } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** The bare ceiling's two processes (see checkout-ceiling-server.ts): a front server and the stub it calls. */
export interface CeilingServers {
  url: string;
  front: number;
  stub: number;
  stop(): void;
}

async function startServer(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'checkout-ceiling-server.ts'), ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  return child;
}

export async function startCeiling(callsPerRequest: number): Promise<CeilingServers> {
  const [stubPort, frontPort] = [await freePort(), await freePort()];
  const stub = await startServer(['stub', String(stubPort)]);
  const front = await startServer(['front', String(frontPort), String(stubPort), String(callsPerRequest)]);
  return {
    url: `http://127.0.0.1:${frontPort}`,
    front: front.pid!,
    stub: stub.pid!,
    stop: () => [front, stub].forEach((server) => server.kill()),
  };
}
