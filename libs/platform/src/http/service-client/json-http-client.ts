import { backoffMs } from '@app/async';
import { inSpan, injectTraceparent, tracingEnabled } from '@app/tracing';
import { SpanKind } from '@opentelemetry/api';
import { DownstreamUnavailableError } from '../downstream-unavailable.error';
import { setTimeout as sleep } from 'node:timers/promises';
import { msBeforeCallDeadline } from './call-deadline';
import { Dispatcher, Pool } from 'undici';
import { JsonResponse, TransportError, exchangeJson } from './json-exchange';

export type { JsonResponse } from './json-exchange';

/** As many connections to one service as the node:http agent this client replaced allowed. */
const CONNECTIONS_PER_SERVICE = 256;

export interface HttpClientOptions {
  /** Longest wait for one attempt's answer, a free connection included. */
  timeoutMs: number;
  /** Further attempts after the first, for calls that may be repeated. */
  retries: number;
  /** The first retry's backoff ceiling; doubled on every further attempt, with jitter (backoffMs). */
  backoffMs: number;
  /** This service's own credential, sent as a bearer token with every call; a function for one that is renewed. */
  credential?: string | (() => string | undefined);
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether repeating the call cannot do anything twice (a read, or a write the callee dedupes by
   * a key). Only such calls are retried after a timeout or a 5xx; any call is retried when it was
   * never written to a connection (the connection was refused), because then it never arrived.
   */
  idempotent: boolean;
  /** Which answers are worth another attempt; by default every 5xx. */
  retryable?: (response: JsonResponse) => boolean;
  /** This call's wait for one attempt's answer, when it differs from the client's (a slow operator action). */
  timeoutMs?: number;
}

const defaultRetryable = (response: JsonResponse): boolean => response.status >= 500;

/**
 * The one service-to-service HTTP client: JSON to one other service over a bounded pool of keep-alive
 * connections (undici, one request per connection at a time). It answers with whatever the service
 * said (any status); when the service cannot be reached within the bounded attempts it throws
 * DownstreamUnavailableError naming the service, which the edge turns into 503.
 */
export class JsonHttpClient {
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(
    readonly service: string,
    baseUrl: string,
    private readonly options: HttpClientOptions,
  ) {
    // The attempt's own deadline bounds every phase, so undici's separate header and body timers are not needed.
    this.pool = new Pool(new URL(baseUrl).origin, {
      connections: CONNECTIONS_PER_SERVICE,
      pipelining: 1,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.headers = { accept: 'application/json' };
  }

  /** Calls `path`; with tracing on, in a client span whose `traceparent` the callee continues. */
  call(method: Dispatcher.HttpMethod, path: string, call: CallOptions): Promise<JsonResponse> {
    if (!tracingEnabled()) return this.attempts(method, path, call);
    const attributes = { 'http.request.method': method, 'server.address': this.service, 'url.path': path.split('?')[0] };
    return inSpan(`${method} ${this.service}`, { kind: SpanKind.CLIENT, attributes }, () => {
      const headers = { ...call.headers };
      injectTraceparent(headers);
      return this.attempts(method, path, { ...call, headers });
    });
  }

  private async attempts(method: Dispatcher.HttpMethod, path: string, call: CallOptions): Promise<JsonResponse> {
    const retryable = call.retryable ?? defaultRetryable;
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    const credential = typeof this.options.credential === 'function' ? this.options.credential() : this.options.credential;
    const headers = {
      ...this.headers,
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...call.headers,
    };
    let lastFailure: unknown;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, { baseMs: this.options.backoffMs, capMs: 5_000 }));
      // Checked right before sending: a driver that stalled past its lease sends nothing more.
      const left = msBeforeCallDeadline();
      if (left <= 0) {
        lastFailure = new Error('not sent: the checkout lease ends before an answer could come');
        break;
      }
      try {
        const response = await exchangeJson(
          this.pool,
          { method, path, headers, body: payload },
          Math.min(call.timeoutMs ?? this.options.timeoutMs, left),
        );
        if (!(call.idempotent && retryable(response)) || attempt === this.options.retries) return response;
        lastFailure = new Error(`answered ${response.status}`);
      } catch (error) {
        lastFailure = error;
        if (!(error instanceof TransportError) || !(call.idempotent || error.neverSent)) break;
      }
    }
    throw new DownstreamUnavailableError(this.service, lastFailure);
  }

  /** Closes every connection at once, failing calls still in flight (the service is stopping). */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}
