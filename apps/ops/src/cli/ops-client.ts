/** A failure the CLI reports as one line, with its exit code; never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type Query = Record<string, string | number | undefined>;

const REQUEST_TIMEOUT_MS = 120_000;

/** The Ops HTTP API as the CLI uses it: JSON in, JSON out, every failure a readable CliError. */
export class OpsClient {
  constructor(
    readonly baseUrl: string,
    // Ops records whose credential this is as the actor of every action.
    private readonly token: string | undefined,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.toString();
    return this.request<T>('GET', search ? `${path}?${search}` : path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(`Cannot reach Ops at ${this.baseUrl} (${reasonOf(error)}). Is it running? Set OPS_URL to its address.`);
    }
    const text = await response.text();
    const answer = parse(text);
    if (response.ok) return answer as T;
    // 401: no valid credential at all; 403: a valid one whose role does not allow this.
    if (response.status === 401 && !this.token) throw new CliError('Ops refused the request: it needs your credential. Set OPS_TOKEN.');
    if (response.status === 401) throw new CliError('Ops does not know the credential in OPS_TOKEN (removed, retired or mistyped).');
    if (response.status === 403)
      throw new CliError(`Ops refused: ${(answer as { detail?: string } | undefined)?.detail ?? 'your role does not allow this'}.`);
    const problem = (answer ?? {}) as { detail?: unknown; code?: unknown };
    const detail = typeof problem.detail === 'string' ? problem.detail : text.slice(0, 200) || response.statusText;
    const code = typeof problem.code === 'string' ? ` ${problem.code}` : '';
    throw new CliError(`${detail} (${response.status}${code})`);
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
