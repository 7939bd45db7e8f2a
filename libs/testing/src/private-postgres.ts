import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './platform-processes';

const binaries = (): string => {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error(`no PostgreSQL binaries under ${root}`);
  return join(root, version, 'bin');
};

/**
 * A PostgreSQL server of a spec's own (initdb into a temporary folder, its own port), for specs
 * that stop and start the database: the shared server on 5432 must never be stopped. Runs as the
 * `postgres` user when the spec runs as root, as initdb refuses root.
 */
export class PrivatePostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly settings: Readonly<Record<string, string>>,
  ) {}

  /** `settings` are server settings for every start, e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  static async start(settings: Readonly<Record<string, string>> = {}): Promise<PrivatePostgres> {
    const bin = binaries();
    const base = mkdtempSync(join(tmpdir(), 'private-pg-'));
    chmodSync(base, 0o777);
    const server = new PrivatePostgres(join(base, 'data'), await freePort(), bin, settings);
    server.run('initdb', '-D', server.dataDir, '--auth=trust', '--username=postgres', '--no-sync', '-E', 'UTF8');
    server.start();
    return server;
  }

  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    this.run(...this.startArgs());
  }

  /** A fast shutdown: sessions are ended with an admin-shutdown error, as in a real restart. */
  stop(): void {
    this.run(...this.stopArgs());
  }

  /** `start`, without blocking the spec's event loop meanwhile (its clients keep running). */
  async startInBackground(): Promise<void> {
    await this.runInBackground(...this.startArgs());
  }

  /** `stop`, without blocking the spec's event loop meanwhile (its clients see the shutdown as it happens). */
  async stopInBackground(): Promise<void> {
    await this.runInBackground(...this.stopArgs());
  }

  /** Stops the server if it runs and deletes its files. */
  destroy(): void {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      try {
        this.stop();
      } catch {
        // Already stopping; the files go anyway.
      }
    }
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }

  private startArgs(): [string, ...string[]] {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dataDir} -c fsync=off -c max_connections=300${Object.entries(
      this.settings,
    )
      .map(([name, value]) => ` -c ${name}=${value}`)
      .join('')}`;
    return ['pg_ctl', '-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '60', 'start'];
  }

  private stopArgs(): [string, ...string[]] {
    return ['pg_ctl', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'];
  }

  private run(tool: string, ...args: string[]): void {
    const [file, argv] = this.invocation(tool, args);
    execFileSync(file, argv, { stdio: 'pipe', timeout: 120_000 });
  }

  private async runInBackground(tool: string, ...args: string[]): Promise<void> {
    const [file, argv] = this.invocation(tool, args);
    await promisify(execFile)(file, argv, { timeout: 120_000 });
  }

  private invocation(tool: string, args: string[]): [string, string[]] {
    const command = join(this.bin, tool);
    const asRoot = process.getuid?.() === 0;
    return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  }
}
