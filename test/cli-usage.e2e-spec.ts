import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..');

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}): Ran => {
  const { status, stdout, stderr } = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status, stdout, stderr };
};
const ops = (...args: string[]) =>
  run(process.execPath, [join('dist', 'apps', 'ops', 'cli.js'), ...args], { OPS_URL: 'http://127.0.0.1:9' });
const provision = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(
    join('node_modules', '.bin', 'ts-node'),
    ['--transpile-only', '-r', 'tsconfig-paths/register', join('scripts', 'provision.ts'), ...args],
    env,
  );

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The operator CLIs answer --help, refuse what they do not know with exit code 2, and touch nothing either way. */
describe('The provision and ops command lines', () => {
  it('ops --help prints the usage and exits 0', () => {
    const { status, stdout } = ops('--help');
    expect({ status, usage: stdout.startsWith('Usage: npm run ops') }).toEqual({ status: 0, usage: true });
  });

  it('ops refuses an unknown flag with exit code 2, before calling Ops', () => {
    const { status, stderr } = ops('groups', '--bogus');
    expect(status).toBe(2);
    expect(stderr).toMatch(/^ops: Unknown option '--bogus'/);
  });

  it('provision --help prints the usage and exits 0, provisioning nothing', () => {
    // An unreachable administrator: had it tried to provision, it would have failed.
    const { status, stdout } = provision(['--help'], { ADMIN_DATABASE_URL: 'postgres://postgres@127.0.0.1:9/postgres' });
    expect({ status, usage: stdout.startsWith('Usage: npm run provision') }).toEqual({ status: 0, usage: true });
  });

  it.each([[['--bogus']], [['--rotate-keys', '--retire-keys']], [['--add-operator', 'ada']], [['stray']], [['--role', 'admin']]])(
    'provision refuses %j with exit code 2 and the usage, provisioning nothing',
    (args) => {
      const { status, stderr } = provision(args, { ADMIN_DATABASE_URL: 'postgres://postgres@127.0.0.1:9/postgres' });
      expect(status).toBe(2);
      expect(stderr).toMatch(/^npm run provision: .+\n\nUsage: npm run provision/);
    },
  );

  it("npm test's pretest says which server is down, before any raw connection error", async () => {
    const port = await closedPort();
    const { status, stdout, stderr } = run('npm', ['run', 'pretest'], {
      ADMIN_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
    });
    expect(status).not.toBe(0);
    const said = `${stdout}\n${stderr}`;
    const friendly = said.indexOf(`PostgreSQL is not reachable at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(friendly).toBeGreaterThanOrEqual(0);
    expect(said).toContain('point ADMIN_DATABASE_URL at a running server');
    expect(said).not.toMatch(/npm run provision failed|at .+\.(ts|js):\d+/);
  });
});
