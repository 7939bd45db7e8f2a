import { freePort } from '@app/testing';
import { once } from 'node:events';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClientOptions, JsonHttpClient } from './json-http-client';

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number, body: string) => void;

/** A real loopback server whose answer to the n-th request is scripted by the test. */
async function stubServer(handler: Handler) {
  let attempts = 0;
  const sockets = new Set<unknown>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, ++attempts, Buffer.concat(chunks).toString('utf8')));
  });
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

const json = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json') => {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
};

describe('JsonHttpClient', () => {
  const options: HttpClientOptions = { timeoutMs: 300, retries: 2, backoffMs: 5 };
  const clients: JsonHttpClient[] = [];
  const clientOf = (service: string, url: string, overrides: Partial<HttpClientOptions> = {}) => {
    const client = new JsonHttpClient(service, url, { ...options, ...overrides });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('names the service when nothing listens, after retrying even a non-idempotent call', async () => {
    const client = clientOf('account', `http://127.0.0.1:${await freePort()}`);
    await expect(client.call('POST', '/x', { body: {}, idempotent: false })).rejects.toMatchObject({ code: 'ACCOUNT_UNAVAILABLE' });
  });

  it('sends its credential, the JSON body and the caller headers, and reads a problem+json answer', async () => {
    let seen: { req: IncomingMessage; body: string } | undefined;
    const stub = await stubServer((req, res, _attempt, body) => {
      seen = { req, body };
      json(res, 409, { type: 'about:blank', code: 'ALREADY_DONE', status: 409 }, 'application/problem+json');
    });
    const client = clientOf('fraud', stub.url, { credential: 'service-token' });
    const answer = await client.call('POST', '/assessments', {
      body: { amount: 5 },
      headers: { 'x-correlation-id': 'c-1' },
      idempotent: true,
    });
    expect(answer).toEqual({ status: 409, body: { type: 'about:blank', code: 'ALREADY_DONE', status: 409 } });
    expect(seen?.req.method).toBe('POST');
    expect(seen?.req.url).toBe('/assessments');
    expect(seen?.req.headers).toMatchObject({
      authorization: 'Bearer service-token',
      accept: 'application/json',
      'content-type': 'application/json',
      'x-correlation-id': 'c-1',
    });
    expect(JSON.parse(seen!.body)).toEqual({ amount: 5 });
    stub.close();
  });

  it('retries an idempotent call after a 503 and returns the later answer', async () => {
    const stub = await stubServer((_req, res, attempt) => (attempt < 3 ? json(res, 503, { code: 'BUSY' }) : json(res, 200, { ok: true })));
    const client = clientOf('merchant', stub.url);
    expect(await client.call('GET', '/m', { idempotent: true })).toEqual({ status: 200, body: { ok: true } });
    expect(stub.attempts()).toBe(3);
    stub.close();
  });

  it('returns a 4xx answer at once, without retrying', async () => {
    const stub = await stubServer((_req, res) => json(res, 400, { code: 'INSUFFICIENT_FUNDS' }));
    const client = clientOf('account', stub.url);
    expect(await client.call('POST', '/t', { body: {}, idempotent: true })).toMatchObject({
      status: 400,
      body: { code: 'INSUFFICIENT_FUNDS' },
    });
    expect(stub.attempts()).toBe(1);
    stub.close();
  });

  it('gives up on a call that does not answer in time, and repeats it only if idempotent', async () => {
    const stub = await stubServer(() => undefined);
    const client = clientOf('fraud', stub.url);
    await expect(client.call('POST', '/a', { body: {}, idempotent: false })).rejects.toMatchObject({ code: 'FRAUD_UNAVAILABLE' });
    expect(stub.attempts()).toBe(1);
    await expect(client.call('POST', '/a', { body: {}, idempotent: true })).rejects.toMatchObject({ code: 'FRAUD_UNAVAILABLE' });
    expect(stub.attempts()).toBe(4);
    stub.close();
  });

  it("waits a call's own timeout when it gives one, instead of the client's", async () => {
    // Answers after 500 ms: past the client's 300 ms, within the call's 2 s.
    const stub = await stubServer((req, res) => setTimeout(() => json(res, 200, { ok: true }), 500));
    const client = clientOf('ops', stub.url, { retries: 0 });
    await expect(client.call('GET', '/slow', { idempotent: true })).rejects.toMatchObject({ code: 'OPS_UNAVAILABLE' });
    await expect(client.call('GET', '/slow', { idempotent: true, timeoutMs: 2_000 })).resolves.toEqual({ status: 200, body: { ok: true } });
    stub.close();
  });

  it('gives up on an answer whose body stops coming, and drops the connection it came on', async () => {
    let answering: Socket | undefined;
    const stub = await stubServer((req, res) => {
      answering = req.socket;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
    });
    const client = clientOf('merchant', stub.url, { retries: 0 });
    await expect(client.call('GET', '/m', { idempotent: true })).rejects.toMatchObject({ code: 'MERCHANT_UNAVAILABLE' });
    for (let waited = 0; !answering?.destroyed && waited < 1_000; waited += 10) await sleep(10);
    expect(answering?.destroyed).toBe(true);
    stub.close();
  });

  it('reuses its keep-alive connections for sequential calls', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, {}));
    const client = clientOf('merchant', stub.url);
    for (let i = 0; i < 20; i++) await client.call('GET', '/m', { idempotent: true });
    // undici's pool opens a spare connection while its first one is busy, and takes turns between them.
    expect(stub.connections()).toBeLessThanOrEqual(2);
    stub.close();
  });

  it('sends a call over a new connection when the service closed the pooled one, delivering even a non-idempotent call once', async () => {
    // The service ends each connection right after its answer, so the client finds the pooled one closed.
    const stub = await stubServer((req, res) => {
      res.on('finish', () => req.socket.end());
      json(res, 201, { ok: true });
    });
    const client = clientOf('payment-provider', stub.url, { retries: 0 });
    for (let i = 0; i < 5; i++)
      expect(await client.call('POST', '/authorisations', { body: {}, idempotent: false })).toMatchObject({ status: 201 });
    expect(stub.attempts()).toBe(5);
    stub.close();
  });
});
