import { NamedOperator } from '@app/platform';
import { OpsServiceClients, passedOn } from '../downstream/ops-service-clients';

const REPLAY_TIMEOUT_MS = 30_000;

export interface FailedDeliveriesQuery {
  merchantId?: string;
  endpointId?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Merchant's operator routes of failed webhook deliveries, called with a credential naming the operator: Ops never
 * reads Merchant's tables. Merchant keeps the deliveries and their retry schedule; Ops lists and replays.
 */
export class MerchantWebhooksClient {
  private readonly clients: OpsServiceClients;

  constructor(opsToken: string | undefined, env: NodeJS.ProcessEnv = process.env) {
    this.clients = new OpsServiceClients(opsToken, env);
  }

  async failed(query: FailedDeliveriesQuery, operator: NamedOperator): Promise<Record<string, unknown>> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.toString();
    const response = await this.clients.of('merchant').call('GET', `/webhook-deliveries/failed${search ? `?${search}` : ''}`, {
      headers: this.clients.onBehalfOf(operator),
      idempotent: true,
    });
    return passedOn('merchant', response);
  }

  /** Merchant logs the operator its credential names; Merchant's refusal (400) keeps its status and code. */
  async replay(ids: readonly string[], operator: NamedOperator): Promise<Record<string, unknown>> {
    const response = await this.clients.of('merchant').call('POST', '/webhook-deliveries/failed/replay', {
      body: { ids },
      headers: this.clients.onBehalfOf(operator),
      idempotent: false,
      timeoutMs: REPLAY_TIMEOUT_MS,
    });
    return passedOn('merchant', response);
  }

  /** Nest calls this as Ops stops: the connection pool closes. */
  onApplicationShutdown(): Promise<void> {
    return this.clients.close();
  }
}
