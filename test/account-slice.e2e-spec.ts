import { accountApplication, eventually } from '@app/testing';
import { accountService } from './support/account-service';

/** The first vertical slice: commands over HTTP, events through the relay, the read model from the queue. */
describe('Account slice, as a real process', () => {
  const { account } = accountService();

  it('opens an account, updates its limit, and the read model follows through account.account-events', async () => {
    const opened = await account('POST', '/accounts', accountApplication({ country: 'US', limit: 50_000, currency: 'USD' }));
    expect(opened.status).toBe(201);
    const { id } = opened.body as { id: string };

    const updated = await account('PUT', `/accounts/${id}/limit`, { limit: 70_000 });
    expect(updated.status).toBe(200);

    const view = await eventually(async () => {
      const response = await account('GET', `/accounts/${id}`);
      const body = response.status === 200 ? (response.body as { limit: number; version: number }) : undefined;
      return body?.version === 2 ? body : undefined;
    });
    expect(view).toMatchObject({ id, limit: 70_000, balance: 70_000, currency: 'USD', status: 'active', version: 2 });
  });

  it('answers a limit above the maximum with 422 problem+json and records nothing', async () => {
    const opened = await account('POST', '/accounts', {
      name: 'Alan',
      lastName: 'Turing',
      country: 'GB',
      address: { street: 'x', city: 'y', zip: 'z' },
      limit: 1,
      currency: 'GBP',
    });
    const { id } = opened.body as { id: string };
    const refused = await account('PUT', `/accounts/${id}/limit`, { limit: 100_000_001 });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 422, code: 'LIMIT_EXCEEDED' });
    const stream = (await account('GET', `/accounts/${id}/events`)).body as { type: string }[];
    expect(stream.map((event) => event.type)).toEqual(['AccountOpened']);
  });
});
