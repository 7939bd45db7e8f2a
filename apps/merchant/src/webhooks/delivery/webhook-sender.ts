import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { addressProblem, TargetPolicy } from '../domain/webhook-target';
import { signatureHeader, SIGNATURE_HEADER, WEBHOOK_ID_HEADER } from '../domain/webhook-signature';

/** The most of an answer's body read (and kept as its error text): the rest is discarded. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface Outgoing {
  id: string;
  eventType: string;
  url: string;
  body: string;
  /** The secrets in force, the newest first. */
  secrets: readonly string[];
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed: the answer's code, a refused address, a timeout, a connection error. */
  error: string | null;
  latencyMs: number;
}

/**
 * Sends one notification: signed, a whole-attempt timeout, no redirect followed (a 3xx is a
 * failure), at most 64 KiB of the answer read. The destination is checked after DNS, in the
 * connection's own lookup, so a name that resolves to a refused address (or rebinds to one between
 * registration and sending) is never connected to.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly policy: TargetPolicy,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({
      connections: 2,
      keepAliveTimeout: 10_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: { timeout: timeoutMs, lookup: this.guardedLookup } as never,
    });
  }

  async send(outgoing: Outgoing, now = new Date()): Promise<SendResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const url = new URL(outgoing.url);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    // An IP literal skips the lookup: check it here.
    const refused = /^[\d.]+$|:/.test(literal) ? addressProblem(literal, port, this.policy) : undefined;
    if (refused) return { ok: false, statusCode: null, error: `REFUSED_ADDRESS: ${refused}`, latencyMs: 0 };
    const timestamp = Math.floor(now.getTime() / 1000);
    try {
      const answer = await request(outgoing.url, {
        method: 'POST',
        dispatcher: this.agent,
        body: outgoing.body,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'checkout-platform-webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(outgoing.secrets, timestamp, outgoing.body),
          [WEBHOOK_ID_HEADER]: outgoing.id,
          'checkout-webhook-event': outgoing.eventType,
        },
      });
      const text = await boundedText(answer.body);
      const ok = answer.statusCode >= 200 && answer.statusCode < 300;
      return {
        ok,
        statusCode: answer.statusCode,
        error: ok ? null : `HTTP_${answer.statusCode}: ${text.slice(0, 200)}`,
        latencyMs: latency(),
      };
    } catch (error) {
      return { ok: false, statusCode: null, error: errorText(error), latencyMs: latency() };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private readonly guardedLookup = (
    hostname: string,
    options: { port?: number } & Record<string, unknown>,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const port = Number(options.port ?? 443);
      const refused = addresses.map((a) => addressProblem(a.address, port, this.policy)).find((p) => p !== undefined);
      if (refused) return callback(new Error(`REFUSED_ADDRESS: ${refused}`), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

async function boundedText(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function errorText(error: unknown): string {
  const err = error as { name?: string; code?: string; message?: string; cause?: { message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code === 'UND_ERR_HEADERS_TIMEOUT') return 'TIMEOUT';
  const message = err.cause?.message ?? err.message ?? String(error);
  return message.startsWith('REFUSED_ADDRESS') ? message : `${err.code ?? 'ERROR'}: ${message}`.slice(0, 300);
}
