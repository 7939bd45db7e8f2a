import { UnfinishedCheckouts, serviceUrl } from '@app/contracts';
import { codeOfStatus, DownstreamUnavailableError, ProblemException } from '@app/platform';
import { OPERATOR_HEADER } from '../operators/operator.decorator';

const READ_TIMEOUT_MS = 3_000;
const ACTION_TIMEOUT_MS = 30_000;

/**
 * Checkout's operator routes, called over HTTP: Ops has its own database and never reads
 * Checkout's tables.
 */
export class CheckoutServiceClient {
  constructor(
    private readonly opsToken: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  unfinished(limit: number): Promise<UnfinishedCheckouts> {
    return this.call<UnfinishedCheckouts>('GET', `/checkouts/unfinished?limit=${limit}`, READ_TIMEOUT_MS);
  }

  /** Forces a pending checkout to compensate; Checkout's refusal (404, 409) keeps its status and code. */
  compensate(checkoutId: string, actor: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/checkouts/${encodeURIComponent(checkoutId)}/compensate`, ACTION_TIMEOUT_MS, actor);
  }

  private async call<T>(method: string, path: string, timeoutMs: number, actor?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${serviceUrl('checkout', this.env)}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opsToken ?? ''}`, ...(actor ? { [OPERATOR_HEADER]: actor } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DownstreamUnavailableError('checkout', error);
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return answer as T;
    if (response.status >= 500) throw new DownstreamUnavailableError('checkout', new Error(`answered ${response.status}`));
    if (response.status === 401 || response.status === 403) {
      throw new ProblemException(
        502,
        'OPS_TOKEN_REJECTED',
        "The checkout service refused Ops' operator token; OPS_TOKEN must be the same for both",
      );
    }
    const code = typeof answer.code === 'string' ? answer.code : codeOfStatus(response.status);
    const detail = typeof answer.detail === 'string' ? answer.detail : `The checkout service answered ${response.status}`;
    throw new ProblemException(response.status, code, detail);
  }
}
