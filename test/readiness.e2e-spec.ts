import { TestPlatform, eventually, operatorHeaders } from '@app/testing';
import { execFileSync } from 'node:child_process';

const authorized = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { 'content-type': 'application/json', ...operatorHeaders(), ...(init.headers ?? {}) },
});
const readiness = async (base: string) => {
  const response = await fetch(`${base}/health/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; details: Record<string, { status: string }> } };
};
const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 60_000 }).toString();

/** What a load balancer polling /health/ready learns from a real Account process. */
describe('Readiness tells a load balancer the truth', () => {
  let platform: TestPlatform;
  /** The account service's own broker user, and the permissions provisioning gave it (configure, write, read). */
  let user: string;
  let permissions: string[];
  const restorePermissions = () => rabbitmqctl('set_permissions', '-p', platform.vhost, user, ...permissions);

  beforeAll(async () => {
    platform = await TestPlatform.start(['account'], { SHUTDOWN_GRACE_MS: '3000' });
    user = decodeURIComponent(new URL(platform.settingsOf('account').AMQP_URL.split(',')[0]).username);
    const line = rabbitmqctl('list_user_permissions', '-q', user)
      .split('\n')
      .find((row) => row.split('\t')[0] === platform.vhost)!;
    permissions = line.split('\t').slice(1, 4);
  });

  afterAll(async () => {
    if (permissions) restorePermissions();
    await platform?.stop();
  });

  it('stays ready through a broker outage, shows it in the body, and still takes writes', async () => {
    const base = platform.url('account');
    // The broker refuses this service alone: the shared broker keeps running for everyone else.
    rabbitmqctl('clear_permissions', '-p', platform.vhost, user);
    rabbitmqctl('close_all_connections', '-p', platform.vhost, 'readiness spec: broker outage');
    await eventually(async () => (await readiness(base)).body.details.broker?.status === 'down', 20_000, 200);
    const during = await readiness(base);
    expect(during.status).toBe(200);
    expect(during.body.status).toBe('ok');
    const opened = await fetch(
      `${base}/accounts`,
      authorized({
        method: 'POST',
        body: JSON.stringify({
          name: 'Ada',
          lastName: 'Lovelace',
          country: 'GB',
          address: { street: '1 St James', city: 'London', zip: 'SW1' },
          limit: 100,
          currency: 'EUR',
        }),
      }),
    );
    expect(opened.status).toBe(201);

    restorePermissions();
    await eventually(async () => (await readiness(base)).body.details.broker?.status === 'up', 60_000, 200);
  });

  it("shows the relay's election, and its stall metric, while it runs", async () => {
    const { body } = await readiness(platform.url('account'));
    expect(body.details['leadership:relay:account']).toMatchObject({ status: 'up', leader: true, phase: 'leading' });
    const metrics = await (await fetch(`${platform.url('account')}/metrics`, authorized())).text();
    expect(metrics).toMatch(/leader_election_stalled\{role="relay",key="relay:account"\} 0/);
    expect(metrics).toMatch(/relay_is_leader\{producer="account"\} 1/);
  });

  it('turns not ready at SIGTERM, while it still serves, before it drains and exits', async () => {
    const instance = await platform.startInstance('account');
    expect((await readiness(instance.url)).status).toBe(200);
    const stopped = instance.stop('SIGTERM');
    // Not ready before it stops answering at all: a process that exited first never shows the 503.
    const notReady = await eventually(
      async () => {
        const answer = await readiness(instance.url);
        return answer.status === 503 ? answer : undefined;
      },
      10_000,
      20,
    );
    expect(notReady.body).toMatchObject({ status: 'error', error: { shutdown: { status: 'down' } } });
    // Still serving its API while the load balancer takes it out.
    expect((await fetch(`${instance.url}/health/live`)).status).toBe(200);
    await stopped;
    await expect(fetch(`${instance.url}/health/live`)).rejects.toThrow();
  });
});
