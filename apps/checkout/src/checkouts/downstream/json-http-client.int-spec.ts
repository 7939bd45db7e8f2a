import { freePort } from '@app/testing';
import { once } from 'node:events';
import { Agent, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { JsonHttpClient } from './json-http-client';

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

/** A real loopback server whose answer to the n-th request is scripted by the test. */
async function stubServer(handler: Handler) {
  let attempts = 0;
  const sockets = new Set<unknown>();
  const server: Server = createServer((req, res) => handler(req, res, ++attempts));
  server.on('connection', (socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => attempts,
    connections: () => sockets.size,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('JsonHttpClient', () => {
  const agent = new Agent({ keepAlive: true });
  const options = { timeoutMs: 300, retries: 2, backoffMs: 5 };
  afterAll(() => agent.destroy());

  it('names the service when nothing listens, after retrying even a non-idempotent call', async () => {
    const client = new JsonHttpClient('account', `http://127.0.0.1:${await freePort()}`, agent, options);
    await expect(client.call('POST', '/x', { body: {}, idempotent: false })).rejects.toMatchObject({ code: 'ACCOUNT_UNAVAILABLE' });
  });

  it('retries an idempotent call after a 503 and returns the later answer', async () => {
    const stub = await stubServer((_req, res, attempt) => (attempt < 3 ? json(res, 503, { code: 'BUSY' }) : json(res, 200, { ok: true })));
    const client = new JsonHttpClient('merchant', stub.url, agent, options);
    expect(await client.call('GET', '/m', { idempotent: true })).toEqual({ status: 200, body: { ok: true } });
    expect(stub.attempts()).toBe(3);
    stub.close();
  });

  it('returns a 4xx answer at once, without retrying', async () => {
    const stub = await stubServer((_req, res) => json(res, 400, { code: 'INSUFFICIENT_FUNDS' }));
    const client = new JsonHttpClient('account', stub.url, agent, options);
    expect(await client.call('POST', '/t', { body: {}, idempotent: true })).toMatchObject({
      status: 400,
      body: { code: 'INSUFFICIENT_FUNDS' },
    });
    expect(stub.attempts()).toBe(1);
    stub.close();
  });

  it('gives up on a call that does not answer in time, and repeats it only if idempotent', async () => {
    const stub = await stubServer(() => undefined);
    const client = new JsonHttpClient('fraud', stub.url, agent, options);
    await expect(client.call('POST', '/a', { body: {}, idempotent: false })).rejects.toMatchObject({ code: 'FRAUD_UNAVAILABLE' });
    expect(stub.attempts()).toBe(1);
    await expect(client.call('POST', '/a', { body: {}, idempotent: true })).rejects.toMatchObject({ code: 'FRAUD_UNAVAILABLE' });
    expect(stub.attempts()).toBe(4);
    stub.close();
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, {}));
    const client = new JsonHttpClient('merchant', stub.url, agent, options);
    for (let i = 0; i < 5; i++) await client.call('GET', '/m', { idempotent: true });
    expect(stub.connections()).toBe(1);
    stub.close();
  });
});
