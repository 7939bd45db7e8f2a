import { rabbitmqctl } from './broker-provisioning';
import { DATA_SERVICES, principalOf } from './principals';
import { provisionedScene } from './test/provision-test-kit';

const listed = async (what: 'vhosts' | 'users'): Promise<string[]> =>
  (JSON.parse(await rabbitmqctl([`list_${what}`, '--silent', '--formatter', 'json'])) as { name?: string; user?: string }[]).map(
    (entry) => entry.name ?? entry.user ?? '',
  );

describe("deprovisioning a test installation's broker side", () => {
  it('deletes its virtual host and every service user, and deleting again is no error', async () => {
    const scene = await provisionedScene();
    const users = DATA_SERVICES.map((service) => principalOf(service, scene.names).brokerUser);
    expect(await listed('users')).toEqual(expect.arrayContaining(users));

    await scene.remove();

    expect(await listed('vhosts')).not.toContain(scene.names.vhost);
    const left = await listed('users');
    expect(users.filter((user) => left.includes(user))).toEqual([]);
    await expect(scene.remove()).resolves.toBeUndefined();
  });
});
