import { DefaultPorts, ServiceName } from '@app/contracts';
import { serviceNodeFlags } from '@app/platform';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One platform service as a child process, its JSON log lines shown as short readable lines. */
export class ServiceProcess {
  private child?: ChildProcess;
  private readonly stderr: string[] = [];

  /** `envFile`: the service's own settings, written by `npm run provision`. */
  constructor(
    readonly name: ServiceName,
    private readonly env: NodeJS.ProcessEnv,
    private readonly envFile?: string,
  ) {}

  get port(): number {
    return Number(this.env.PORT ?? DefaultPorts[this.name]);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(onExit: (service: ServiceProcess, code: number | null) => void): void {
    const envFile = this.envFile ? [`--env-file=${this.envFile}`] : [];
    const child = spawn(process.execPath, [...serviceNodeFlags, ...envFile, join('dist', 'apps', this.name, 'main.js')], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.print(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      this.print(line);
    });
    child.on('exit', (code) => onExit(this, code));
  }

  /** What the process said on stderr: its reason when it could not start. */
  get lastWords(): string {
    return this.stderr.slice(-5).join('\n');
  }

  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`${this.name} exited: ${this.lastWords}`);
      const ready = await fetch(`${this.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${this.name} did not become ready within ${timeoutMs / 1000} s`);
  }

  /** Asks the service to shut down gracefully; forces it after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private print(line: string): void {
    let text = line;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; context?: string; err?: { message?: string } };
      const level = LEVELS[entry.level ?? 30] ?? 'info';
      text = `${level.padEnd(5)} ${entry.context ? `${entry.context}: ` : ''}${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
    } catch {
      // Not JSON (e.g. a startup failure line): show it as it is.
    }
    process.stdout.write(`${`[${this.name}]`.padEnd(19)} ${text}\n`);
  }
}
