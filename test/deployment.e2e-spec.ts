import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

interface ComposeService {
  profiles?: string[];
  build?: { target?: string };
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}

/** docker-compose.yml and the Dockerfile describe the whole platform, checked without images. */
describe('Deployment manifests', () => {
  let services: Record<string, ComposeService>;

  beforeAll(() => {
    ensureDockerCompose();
    const yaml = run('docker-compose', ['config'], { OPS_TOKEN: 'compose-check' });
    // docker-compose is Python with PyYAML; its resolved file as JSON is one call away.
    services = JSON.parse(
      execFileSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
        input: yaml,
        encoding: 'utf8',
      }),
    ).services;
  }, 600_000);

  it('is a valid compose file (docker-compose config -q)', () => {
    expect(() => run('docker-compose', ['config', '-q'], { OPS_TOKEN: 'compose-check' })).not.toThrow();
  });

  it('still gives a newcomer just PostgreSQL and RabbitMQ with `docker compose up -d`', () => {
    const always = Object.entries(services)
      .filter(([, service]) => !service.profiles?.length)
      .map(([name]) => name);
    expect(always.sort()).toEqual(['postgres', 'rabbitmq']);
  });

  it('runs every app from a Dockerfile target, our services twice, on a 3-node cluster', () => {
    const targets = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM runtime AS ([a-z-]+)$/gm)].map((m) => m[1]);
    const apps = ['account', 'merchant', 'checkout', 'fraud', 'ops', 'payment-provider'];
    expect(targets.sort()).toEqual([...apps].sort());
    for (const app of apps) expect(services[app].build?.target).toBe(app);
    for (const app of apps.filter((a) => a !== 'payment-provider')) {
      expect(services[app].deploy?.replicas).toBe(2);
      expect(services[app].environment?.AMQP_URL.split(',')).toHaveLength(3);
      expect(services[app].environment?.DATABASE_URL).toMatch(new RegExp(`/${app}$`));
    }
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['rabbitmq-2', 'rabbitmq-3', 'load-balancer']));
  });
});
