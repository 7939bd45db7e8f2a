import { once } from 'node:events';
import { Server, createServer } from 'node:http';

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { name: string }[] }[];
  }[];
}

/**
 * An OTLP/HTTP endpoint in the bench's own process that answers every export 200 and keeps only
 * counts: exports, bytes, and spans by `service: span name`. What the services pay for tracing is
 * then their own work (spans, batching, JSON, the POST), not a collector's; the sink's CPU is the
 * bench client's.
 */
export class OtlpSink {
  exports = 0;
  bytes = 0;
  readonly spans = new Map<string, number>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpSink> {
    const server = createServer();
    const sink = new OtlpSink(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        sink.exports += 1;
        sink.bytes += body.length;
        if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) sink.take(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return sink;
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  get spanCount(): number {
    let total = 0;
    for (const count of this.spans.values()) total += count;
    return total;
  }

  /** Resets the counts (after a warm-up). */
  reset(): void {
    this.exports = 0;
    this.bytes = 0;
    this.spans.clear();
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private take(body: Buffer): void {
    let exported: OtlpExport;
    try {
      exported = JSON.parse(body.toString('utf8')) as OtlpExport;
    } catch {
      return;
    }
    for (const { resource, scopeSpans = [] } of exported.resourceSpans ?? []) {
      const service = resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      for (const { spans = [] } of scopeSpans)
        for (const span of spans) this.spans.set(`${service}: ${span.name}`, (this.spans.get(`${service}: ${span.name}`) ?? 0) + 1);
    }
  }
}
