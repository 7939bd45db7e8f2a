import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A merchant's endpoint for the checkout bench: answers 200 at once and records, per checkout, the
 * time from its event (the notification's `data.updatedAt`, the event's commit time) to receipt.
 */
export class WebhookReceiver {
  readonly latencies = new Map<string, number>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = Date.now();
        const notification = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type: string;
          data: { id: string; updatedAt: string };
        };
        if (notification.type === 'checkout.completed')
          this.latencies.set(notification.data.id, received - Date.parse(notification.data.updatedAt));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Waits until `count` notifications arrived (at most 60 s); answers how long that took. */
  async caughtUp(count: number): Promise<number | undefined> {
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      if (this.latencies.size >= count) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  stop(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}
