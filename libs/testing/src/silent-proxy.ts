import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

interface Link {
  client: Socket;
  server?: Socket;
}

/**
 * A TCP proxy in front of a server that can go silent: `partition()` stops forwarding in both
 * directions and holds new connections unanswered, without closing anything (no FIN, no RST), as a
 * network that drops packets does. `heal()` forwards again, held bytes included.
 */
export class SilentProxy {
  private readonly links = new Set<Link>();
  private silent = false;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on a free local port and forwards to `target`. */
  static async start(target: { host: string; port: number }): Promise<SilentProxy> {
    // The callback runs only once a client connects, after `proxy` exists.
    const server = createServer((client) => proxy.accept(client));
    const proxy = new SilentProxy(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  partition(): void {
    this.silent = true;
    for (const link of this.links) this.stop(link);
  }

  heal(): void {
    this.silent = false;
    for (const link of this.links) this.forward(link);
  }

  async close(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.server?.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket): void {
    const link: Link = { client };
    this.links.add(link);
    client.pause();
    client.on('error', () => undefined);
    client.on('close', () => {
      this.links.delete(link);
      link.server?.destroy();
    });
    if (!this.silent) this.forward(link);
  }

  private forward(link: Link): void {
    if (!link.server) {
      link.server = createConnection(this.target);
      link.server.on('error', () => link.client.destroy());
      link.server.on('close', () => link.client.destroy());
    }
    link.client.pipe(link.server);
    link.server.pipe(link.client);
  }

  // Unread bytes stay in the kernel's buffers, so nothing is lost and nothing is answered.
  private stop(link: Link): void {
    link.client.unpipe();
    link.client.pause();
    link.server?.unpipe();
    link.server?.pause();
  }
}
