/**
 * The ceiling for Checkout's call pattern: a bare `http` server that answers each request after
 * the same number of sequential keep-alive HTTP calls to a bare `http` stub. Run as its own process:
 *   stub  <port>
 *   front <port> <stubPort> <callsPerRequest>
 */
import { Agent, IncomingMessage, ServerResponse, createServer, request } from 'node:http';

const [role, port, stubPort, calls] = process.argv.slice(2);

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const answer = (res: ServerResponse, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

function stub(): void {
  createServer(async (req, res) => {
    const body = await readBody(req);
    answer(res, { ok: true, echoed: body.length });
  }).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
}

function front(): void {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const call = (payload: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname: '127.0.0.1',
          port: Number(stubPort),
          method: 'POST',
          path: '/step',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as object;
    for (let i = 0; i < Number(calls); i++) await call(JSON.stringify({ step: i, ...body }));
    answer(res, { status: 'completed' });
  }).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
}

if (role === 'stub') stub();
else if (role === 'front') front();
else throw new Error(`unknown role ${role}`);
