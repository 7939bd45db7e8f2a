import type { Dispatcher } from 'undici';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface JsonRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An attempt that got no answer. `neverSent`: the request was never written to a connection, so it did nothing. */
export class TransportError extends Error {
  constructor(
    readonly neverSent: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One request through `dispatcher` (an undici pool), answered with its status and JSON body; it fails with a
 * TransportError when the exchange breaks or no whole answer arrived within `timeoutMs`, and a late exchange
 * is aborted, which closes its connection. Built on undici's dispatch handler, not its `request()`, which
 * would wrap every answer in a stream: about half the client CPU per call of node:http (README, "Measured choices").
 */
export function exchangeJson(dispatcher: Dispatcher, request: JsonRequest, timeoutMs: number): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(request, new JsonExchange(resolve, reject, timeoutMs));
  });
}

class JsonExchange implements Dispatcher.DispatchHandler {
  /** Set once the pool writes the request to a connection; until then nothing has reached the service. */
  private controller?: Dispatcher.DispatchController;
  private status = 0;
  private readonly chunks: Buffer[] = [];
  private settled = false;
  private readonly deadline: NodeJS.Timeout;

  constructor(
    private readonly resolve: (response: JsonResponse) => void,
    private readonly reject: (error: TransportError) => void,
    timeoutMs: number,
  ) {
    this.deadline = setTimeout(() => {
      const error = new TransportError(false, `no answer within ${timeoutMs} ms`);
      this.fail(error);
      this.controller?.abort(error);
    }, timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // The deadline passed while the request waited for a free connection: it must not be sent after all.
    if (this.settled) controller.abort(new TransportError(false, 'deadline passed before sending'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    const text = this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.resolve({ status: this.status, body: parse(text) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // Failing before the pool wrote it (a refused connection, say), the request never reached the service. A
    // pooled connection the server had closed while idle is no such failure: undici checks an idle connection
    // for its close before writing to it, and sends the request over a new one.
    this.fail(error instanceof TransportError ? error : new TransportError(this.controller === undefined, error.message));
  }

  private fail(error: TransportError): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    this.reject(error);
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
