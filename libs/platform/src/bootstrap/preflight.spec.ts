import { createServer, Server, Socket } from 'net';
import { describeUnreachable, findUnreachableDependencies } from './preflight';

describe('describeUnreachable', () => {
  it('names the server, the address, the reason and the remedy for PostgreSQL', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeUnreachable('postgres', 'postgres://postgres@127.0.0.1:5432/platform', error)).toBe(
      'PostgreSQL is not reachable at 127.0.0.1:5432 (ECONNREFUSED). Start it, or run `docker compose up -d`, or point DATABASE_URL at a running server.',
    );
  });

  it('uses the default port and AMQP_URL for RabbitMQ, and never prints the password', () => {
    const line = describeUnreachable('rabbitmq', 'amqp://guest:s3cret@rabbit', new Error('no answer within 3000 ms'));
    expect(line).toBe(
      'RabbitMQ is not reachable at rabbit:5672 (no answer within 3000 ms). Start it, or run `docker compose up -d`, or point AMQP_URL at a running server.',
    );
  });

  it('keeps passwords out even when the error message repeats the URL', () => {
    const line = describeUnreachable('postgres', 'postgres://u:pw@db:5432/x', new Error('bad url postgres://u:pw@db:5432/x'));
    expect(line).not.toContain('pw@');
  });

  it('tells a rejected login apart from an unreachable server', () => {
    const error = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
    expect(describeUnreachable('postgres', 'postgres://app:x@db/shop', error)).toBe(
      'PostgreSQL at db:5432 rejected the credentials (password authentication failed for user "app"). Fix the user or password in DATABASE_URL.',
    );
  });

  it('says when the URL itself is invalid', () => {
    expect(describeUnreachable('rabbitmq', 'not a url', new Error('x'))).toMatch(/^AMQP_URL is not a valid URL/);
  });
});

describe('findUnreachableDependencies', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  // A server that accepts connections but never speaks: the probe must time out, not hang.
  beforeAll(async () => {
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('reports a refused PostgreSQL and a silent RabbitMQ, each on one line, within the timeout', async () => {
    const lines = await findUnreachableDependencies({
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:1/platform',
      amqpUrl: `amqp://guest:guest@127.0.0.1:${silentPort}`,
      timeoutMs: 300,
    });
    expect(lines).toEqual([
      expect.stringMatching(/^PostgreSQL is not reachable at 127\.0\.0\.1:1 \(ECONNREFUSED\)\. /),
      expect.stringMatching(new RegExp(`^RabbitMQ is not reachable at 127\\.0\\.0\\.1:${silentPort} \\(`)),
    ]);
    expect(lines.join('\n')).not.toContain('pw');
    // A silent server is given up on after timeoutMs, not waited for: this test's timeout says so.
  }, 5_000);

  it('names every node of a cluster in AMQP_URL when none answers, on one line', async () => {
    const [line] = await findUnreachableDependencies({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/platform',
      amqpUrl: `amqp://guest:pw@127.0.0.1:2,amqp://guest:pw@127.0.0.1:${silentPort}`,
      timeoutMs: 300,
    }).then((lines) => lines.filter((l) => l.startsWith('RabbitMQ')));
    expect(line).toMatch(
      new RegExp(`^RabbitMQ is not reachable at 127\\.0\\.0\\.1:2 .* RabbitMQ is not reachable at 127\\.0\\.0\\.1:${silentPort} `),
    );
    expect(line).not.toContain('pw');
  });
});
