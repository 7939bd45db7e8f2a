import { ServiceName, serviceUrl } from '@app/contracts';
import {
  codeOfStatus,
  DownstreamUnavailableError,
  JsonHttpClient,
  JsonResponse,
  NamedOperator,
  OperatorCredentials,
  ProblemException,
} from '@app/platform';

/** How long Ops waits for another service's answer to a read (a listing, a frontier, a latency). */
export const READ_TIMEOUT_MS = 3_000;

/**
 * Ops' clients of the other services (the platform's JsonHttpClient), one connection pool per
 * service, made on first use. Each call is tried once: an operator sees what failed and repeats it.
 */
export class OpsServiceClients {
  private readonly clients = new Map<ServiceName, JsonHttpClient>();
  private readonly operators: OperatorCredentials;

  constructor(
    private readonly opsToken: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.operators = OperatorCredentials.fromEnv(env);
  }

  /**
   * The headers of a call made for `operator`: a credential Ops signs naming them and their role,
   * so the service records them as the actor and applies their role. Without a signing key, none:
   * the call goes with OPS_TOKEN, as the bootstrap administrator.
   */
  onBehalfOf(operator: NamedOperator): Record<string, string> {
    const credential = this.operators.of(operator);
    return credential ? { authorization: `Bearer ${credential}` } : {};
  }

  of(service: ServiceName): JsonHttpClient {
    let client = this.clients.get(service);
    if (!client) {
      client = new JsonHttpClient(service, serviceUrl(service, this.env), {
        timeoutMs: READ_TIMEOUT_MS,
        retries: 0,
        backoffMs: 0,
        credential: this.opsToken,
      });
      this.clients.set(service, client);
    }
    return client;
  }

  /** Closes every pool (Ops is stopping). */
  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }
}

/**
 * Another service's answer to an operator's action, passed on: its body when it succeeded, its own
 * status and code when it refused (404, 409…), 503 when it failed, and 502 when it refused Ops' credential.
 */
export function passedOn(service: ServiceName, response: JsonResponse): Record<string, unknown> {
  if (response.status >= 200 && response.status < 300) return response.body;
  if (response.status >= 500) throw new DownstreamUnavailableError(service, new Error(`answered ${response.status}`));
  if (response.status === 401) {
    throw new ProblemException(
      502,
      'OPS_TOKEN_REJECTED',
      `The ${service} service refused Ops' credential; both need the same AUTH_PUBLIC_KEYS (and OPS_TOKEN)`,
    );
  }
  if (response.status === 403) {
    throw new ProblemException(
      502,
      'OPS_TOKEN_REJECTED',
      `The ${service} service refused Ops' credential for this action: ${typeof response.body.detail === 'string' ? response.body.detail : '403'}`,
    );
  }
  const { code, detail } = response.body;
  throw new ProblemException(
    response.status,
    typeof code === 'string' ? code : codeOfStatus(response.status),
    typeof detail === 'string' ? detail : `The ${service} service answered ${response.status}`,
  );
}
