import { TestPlatform, eventually, operatorHeaders } from '@app/testing';

/** The first vertical slice: commands over HTTP, events through the relay, the read model from the queue. */
describe('Account slice, as a real process', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${platform.url('account')}${path}`, {
      method,
      headers: { ...operatorHeaders(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('opens an account, updates its limit, and the read model follows through account.account-events', async () => {
    const opened = await send('POST', '/accounts', {
      name: 'Grace',
      lastName: 'Hopper',
      country: 'US',
      address: { street: '1 Navy Way', city: 'Arlington', zip: '22202' },
      limit: 50_000,
      currency: 'USD',
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };

    const updated = await send('PUT', `/accounts/${id}/limit`, { limit: 70_000 });
    expect(updated.status).toBe(200);

    const view = await eventually(async () => {
      const response = await send('GET', `/accounts/${id}`);
      const body = response.ok ? ((await response.json()) as { limit: number; version: number }) : undefined;
      return body?.version === 2 ? body : undefined;
    });
    expect(view).toMatchObject({ id, limit: 70_000, balance: 70_000, currency: 'USD', status: 'active', version: 2 });
  });

  it('answers a limit above the maximum with 422 problem+json and records nothing', async () => {
    const opened = await send('POST', '/accounts', {
      name: 'Alan',
      lastName: 'Turing',
      country: 'GB',
      address: { street: 'x', city: 'y', zip: 'z' },
      limit: 1,
      currency: 'GBP',
    });
    const { id } = (await opened.json()) as { id: string };
    const refused = await send('PUT', `/accounts/${id}/limit`, { limit: 100_000_001 });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 422, code: 'LIMIT_EXCEEDED' });
    const stream = (await (await send('GET', `/accounts/${id}/events`)).json()) as { type: string }[];
    expect(stream.map((event) => event.type)).toEqual(['AccountOpened']);
  });
});
