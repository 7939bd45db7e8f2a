import { backoffMs } from '@app/async';
import { DownstreamUnavailableError } from '@app/platform';
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface HttpClientOptions {
  /** Longest wait for one attempt's answer. */
  timeoutMs: number;
  /** Further attempts after the first, for calls that may be repeated. */
  retries: number;
  /** The first retry's backoff ceiling; doubled on every further attempt, with jitter (backoffMs). */
  backoffMs: number;
  /** This service's own credential, sent as a bearer token with every call. */
  credential?: string;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether repeating the call cannot do anything twice (a read, or a write the callee dedupes by
   * a key). Only such calls are retried after a timeout or a 5xx; any call is retried when the
   * connection was refused, because then the request never arrived.
   */
  idempotent: boolean;
  /** Which answers are worth another attempt; by default every 5xx. */
  retryable?: (response: JsonResponse) => boolean;
}

class TransportError extends Error {
  constructor(
    readonly neverSent: boolean,
    message: string,
  ) {
    super(message);
  }
}

const defaultRetryable = (response: JsonResponse): boolean => response.status >= 500;

/**
 * A small JSON client for one downstream service over keep-alive connections. It answers with
 * whatever the service said (any status); when the service cannot be reached within the bounded
 * attempts it throws DownstreamUnavailableError naming the service, which the edge turns into 503.
 */
export class JsonHttpClient {
  private readonly base: URL;

  constructor(
    readonly service: string,
    baseUrl: string,
    private readonly agent: Agent,
    private readonly options: HttpClientOptions,
  ) {
    this.base = new URL(baseUrl);
  }

  async call(method: string, path: string, call: CallOptions): Promise<JsonResponse> {
    const retryable = call.retryable ?? defaultRetryable;
    let lastFailure: unknown;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, { baseMs: this.options.backoffMs, capMs: 5_000 }));
      try {
        const response = await this.once(method, path, call);
        if (!(call.idempotent && retryable(response)) || attempt === this.options.retries) return response;
        lastFailure = new Error(`answered ${response.status}`);
      } catch (error) {
        lastFailure = error;
        if (!(error instanceof TransportError) || !(call.idempotent || error.neverSent)) break;
      }
    }
    throw new DownstreamUnavailableError(this.service, lastFailure);
  }

  private once(method: string, path: string, call: CallOptions): Promise<JsonResponse> {
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(error);
      };
      const req = httpRequest(
        {
          agent: this.agent,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: {
            accept: 'application/json',
            ...(this.options.credential ? { authorization: `Bearer ${this.options.credential}` } : {}),
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...call.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => fail(new TransportError(false, error.message)));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: parse(Buffer.concat(chunks).toString('utf8')) });
          });
        },
      );
      const timer = setTimeout(
        () => fail(new TransportError(false, `no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A refused connection, or a pooled connection the server had just closed as idle, means the
        // request never reached the service; anything else may have.
        const neverSent = error.code === 'ECONNREFUSED' || (req.reusedSocket && error.code === 'ECONNRESET');
        fail(new TransportError(neverSent, error.message));
      });
      req.end(payload);
    });
  }
}

function parse(text: string): Record<string, unknown> {
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
