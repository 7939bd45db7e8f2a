import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { importDefinitions } from './broker-provisioning';

/** Where no rabbitmqctl exists (the compose platform's provision container), the definitions go through the management API. */
describe('importDefinitions through RABBITMQ_MANAGEMENT_URL', () => {
  let seen: { method?: string; url?: string; authorization?: string; body: string }[];
  let answer = 204;
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
      response.writeHead(answer).end(answer === 204 ? '' : '{"error":"bad_request"}');
    });
  });
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    answer = 204;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the document as the first node’s administrator', async () => {
    const definitions = { vhosts: [{ name: 'platform' }] };
    await importDefinitions(definitions, 'amqp://admin:s%3Acret@rabbitmq:5672,amqp://admin:s%3Acret@rabbitmq-2:5672', {
      RABBITMQ_MANAGEMENT_URL: base,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/definitions',
        authorization: `Basic ${Buffer.from('admin:s:cret').toString('base64')}`,
        body: JSON.stringify(definitions),
      },
    ]);
  });

  it('fails with the broker’s answer when it refuses', async () => {
    answer = 400;
    await expect(importDefinitions({}, 'amqp://admin:x@rabbitmq', { RABBITMQ_MANAGEMENT_URL: `${base}/` })).rejects.toThrow(
      /answered 400: \{"error":"bad_request"\}/,
    );
  });
});
