import { TestPlatform } from '@app/testing';
import { request } from 'node:http';
import { connect } from 'node:net';
import { send } from './support/http';

const opening = (name: string) => ({
  name,
  lastName: 'Hopper',
  country: 'US',
  address: { street: '1 Navy Way', city: 'Arlington', zip: '22202' },
  limit: 1_000,
  currency: 'USD',
});

/** Sends a 2 MB body in 64 KB writes, as a browser or proxy streaming an upload would. */
function streamLargeBody(url: string): Promise<string> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve) => {
    const req = request(`${url}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    let sent = 0;
    const write = (): void => {
      while (sent < 32) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** Opens a raw connection, sends `head` and then a byte every 200 ms; resolves with what came back and when it closed. */
function trickle(url: string, head: string): Promise<{ answer: string; closedAfterMs: number }> {
  const { port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head));
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
  });
}

describe('Hostile input is answered with a 4xx, never a 5xx, and hurts no one else', () => {
  let platform: TestPlatform;
  let account: string;
  let ops: string;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'ops'], {
      HTTP_BODY_TIMEOUT_MS: '2000',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '6000',
    });
    account = platform.url('account');
    ops = platform.url('ops');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses NUL and lone surrogates with 400 problem+json while 20 valid requests beside them succeed', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => send(account, 'POST', '/accounts', opening(`Grace ${i}`))),
      send(account, 'POST', '/accounts', opening('Grace \u0000 NUL')),
      send(
        account,
        'POST',
        '/accounts',
        `{"name":"Grace \\ud800","lastName":"Hopper","country":"US","address":{"street":"1","city":"A","zip":"1"},"limit":1,"currency":"USD"}`,
      ),
      send(account, 'POST', '/accounts', { ...opening('Grace'), address: { street: 'x', city: 'y', zip: '\udc00' } }),
      ...Array.from({ length: 10 }, (_, i) => send(account, 'POST', '/accounts', opening(`Grace ${10 + i}`))),
    ]);
    const bad = answers.slice(10, 13);
    const good = [...answers.slice(0, 10), ...answers.slice(13)];

    expect(bad.map((answer) => [answer.status, answer.contentType, answer.body.code])).toEqual(
      Array(3).fill([400, 'application/problem+json', 'UNSTORABLE_TEXT']),
    );
    expect(good.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect((await send(account, 'GET', '/accounts/a%00b')).status).toBe(400);
    expect((await send(account, 'GET', `/accounts/${good[0].body.id as string}/events?afterVersion=%00`)).status).toBe(400);
  });

  it.each([
    '/audit?after=2020-02-30',
    '/audit?before=2009-W01-1',
    '/audit?after=2026-01-31T25:00:00Z',
    '/audit?cursor=a.b.c',
    `/audit?cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', '99999999999999999999', 'not-a-uuid'])).toString('base64url')}`,
    `/audit?cursor=${Buffer.from(JSON.stringify(['2020-02-30', '1', '00000000-0000-0000-0000-000000000000'])).toString('base64url')}`,
    '/dead-letters?after=1e20',
    '/dead-letters?after=-1',
    '/dead-letters?limit=abc',
    '/dead-letters/abc',
    '/dead-letters/99999999999999999999',
    '/dead-letters/abc/replay',
  ])('answers 400 problem+json, not 500, to %s', async (path) => {
    const answer = await send(ops, path.endsWith('/replay') ? 'POST' : 'GET', path);
    expect([answer.status, answer.contentType]).toEqual([400, 'application/problem+json']);
  });

  it('still answers 404 for a well-formed dead letter id that does not exist', async () => {
    expect((await send(ops, 'GET', '/dead-letters/987654321')).status).toBe(404);
  });

  it('answers a streamed 2 MB body with 413, 30 times out of 30, never a reset', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await streamLargeBody(account));
    expect(outcomes).toEqual(Array(30).fill('413'));
  });

  it('cuts off a client trickling its body after the body timeout with a 408', async () => {
    const { answer, closedAfterMs } = await trickle(
      account,
      'POST /accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(1_500);
  });

  it('cuts off a client trickling its headers after the headers timeout', async () => {
    // The trickle never ends by itself: that it closed at all is the cut-off; not before the timeout, the server's doing.
    const { closedAfterMs } = await trickle(account, 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: a');
    expect(closedAfterMs).toBeGreaterThanOrEqual(1_500);
  });
});
