import { serviceNodeFlags } from '@app/platform';
import { logToSpecFile } from '@app/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import type { RelayRunnerConfig } from './relay-runner';

const repoRoot = resolve(__dirname, '../../../..');
const runner = resolve(__dirname, 'relay-runner.ts');

/** A relay running in a child process (see relay-runner.ts), for specs that kill it and benchmarks that measure it. */
export class RelayProcess {
  private log = '';
  private readonly exited: Promise<unknown>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    logToSpecFile(child, `relay ${child.pid}`);
    this.exited = once(child, 'exit');
  }

  /**
   * Starts the runner; it connects, then competes for the producer's leadership. By default it runs
   * through ts-node; with `compiled` (from `compileRelayRunner`) it runs as plain JavaScript, as a
   * service would, so its memory is not inflated by the TypeScript compiler. Either way it runs
   * with the services' Node flags.
   */
  static start(config: RelayRunnerConfig, compiled?: string): RelayProcess {
    // NO_COLOR: its log lines go to the spec's log file, to be read as plain text.
    const env = { ...process.env, NO_COLOR: '1', RELAY_RUNNER_CONFIG: JSON.stringify(config) };
    const child = compiled
      ? spawn(
          process.execPath,
          [...serviceNodeFlags, '-r', 'tsconfig-paths/register', join(compiled, 'libs/relay/src/test/relay-runner.js')],
          {
            cwd: repoRoot,
            env: { ...env, TS_NODE_PROJECT: join(compiled, 'tsconfig.json'), NODE_PATH: join(repoRoot, 'node_modules') },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
      : spawn(process.execPath, [...serviceNodeFlags, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', runner], {
          cwd: repoRoot,
          env: { ...env, TS_NODE_PROJECT: resolve(repoRoot, 'tsconfig.json') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    return new RelayProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return this.log;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves once the runner has printed `relay-runner: <state>` (ready, leader, standby). The
   * default is generous: under ts-node on a loaded 2-core machine a start alone took over 20 s.
   */
  async waitFor(state: 'ready' | 'leader' | 'standby', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes(`relay-runner: ${state}`)) {
      if (!this.isRunning) throw new Error(`relay runner exited before "${state}":\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`relay runner not "${state}" within ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends `signal` and waits until the process has gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.isRunning) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** The relay's peak resident set (VmHWM) in bytes, while it is still running. */
  async peakRssBytes(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (!kb) throw new Error(`no VmHWM for pid ${this.pid}`);
    return Number(kb) * 1024;
  }
}

/** Compiles the runner and the libraries it imports to JavaScript in a fresh temporary folder; returns it. */
export function compileRelayRunner(): string {
  const out = mkdtempSync(join(tmpdir(), 'relay-runner-'));
  // tsconfig.json may carry comments: read it as TypeScript does.
  const { config, error } = ts.readConfigFile(resolve(repoRoot, 'tsconfig.json'), (path) => readFileSync(path, 'utf8'));
  if (error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const { compilerOptions } = config as { compilerOptions: { paths: Record<string, string[]> } };
  const project = join(out, 'tsconfig.build.json');
  writeFileSync(
    project,
    JSON.stringify({
      extends: resolve(repoRoot, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: repoRoot, baseUrl: repoRoot, noCheck: true, sourceMap: false },
      include: [],
      files: [runner],
    }),
  );
  execFileSync(process.execPath, [resolve(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: repoRoot });
  // tsconfig-paths maps `@app/*` onto the compiled tree with this.
  writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: compilerOptions.paths } }));
  return out;
}
