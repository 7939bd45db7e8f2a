import { once } from 'node:events';
import { Agent, IncomingMessage, Server, ServerResponse, createServer, request } from 'node:http';

/** Errors that mean the request never reached the backend, so sending it elsewhere is safe. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A small round-robin HTTP load balancer, as the platform's own would sit in front of a service's
 * instances. A backend that refuses connections is skipped for a while and the request goes to
 * the next one; a request cut off half-way is answered 502 and never re-sent (it may have taken
 * effect), exactly as a caller would see it from a real balancer.
 */
export class LoadBalancer {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private readonly downUntil = new Map<string, number>();
  private next = 0;
  private port = 0;

  constructor(private backends: string[] = []) {
    this.server = createServer((req, res) => void this.forward(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setBackends(backends: string[]): void {
    this.backends = [...backends];
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (let tried = 0; tried < this.backends.length; tried++) {
      const backend = this.pick();
      try {
        await this.proxy(backend, req, body, res);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (NOT_DELIVERED.has(code)) {
          this.downUntil.set(backend, Date.now() + 2_000);
          continue;
        }
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Bad Gateway',
            status: 502,
            detail: `backend failed: ${code}`,
            code: 'BAD_GATEWAY',
          }),
        );
        return;
      }
    }
    res.writeHead(503, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'no backend answered', code: 'NO_BACKEND' }),
    );
  }

  /** Round robin over the backends not marked down (all of them, when every one is). */
  private pick(): string {
    const now = Date.now();
    const live = this.backends.filter((backend) => (this.downUntil.get(backend) ?? 0) <= now);
    const pool = live.length > 0 ? live : this.backends;
    return pool[this.next++ % pool.length];
  }

  private proxy(backend: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', backend);
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          agent: this.agent,
          hostname: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => resolve());
          answer.on('error', reject);
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
        // A pooled connection the backend closed as idle: the request never arrived there.
        if (upstream.reusedSocket && error.code === 'ECONNRESET' && !res.headersSent) error.code = 'ECONNREFUSED';
        reject(error);
      });
      upstream.end(body);
    });
  }
}
