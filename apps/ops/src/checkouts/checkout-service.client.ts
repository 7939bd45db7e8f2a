import { UnfinishedCheckouts } from '@app/contracts';
import { NamedOperator } from '@app/platform';
import { OpsServiceClients, passedOn } from '../downstream/ops-service-clients';

const ACTION_TIMEOUT_MS = 30_000;

/**
 * Checkout's operator routes, called over HTTP: Ops has its own database and never reads
 * Checkout's tables.
 */
export class CheckoutServiceClient {
  private readonly clients: OpsServiceClients;

  constructor(opsToken: string | undefined, env: NodeJS.ProcessEnv = process.env) {
    this.clients = new OpsServiceClients(opsToken, env);
  }

  async unfinished(limit: number): Promise<UnfinishedCheckouts> {
    const response = await this.clients.of('checkout').call('GET', `/checkouts/unfinished?limit=${limit}`, { idempotent: true });
    return passedOn('checkout', response) as unknown as UnfinishedCheckouts;
  }

  /** Forces a pending checkout to compensate as `operator` (Checkout records them); Checkout's refusal (404, 409) keeps its status and code. */
  async compensate(checkoutId: string, operator: NamedOperator): Promise<Record<string, unknown>> {
    const response = await this.clients.of('checkout').call('POST', `/checkouts/${encodeURIComponent(checkoutId)}/compensate`, {
      headers: this.clients.onBehalfOf(operator),
      idempotent: false,
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    return passedOn('checkout', response);
  }

  /** Nest calls this as Ops stops: the connection pool closes. */
  onApplicationShutdown(): Promise<void> {
    return this.clients.close();
  }
}
