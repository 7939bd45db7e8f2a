import { DomainError } from '@app/domain';
import { isMerchantKeyId, NamedOperator } from '@app/platform';
import { OpsServiceClients, passedOn } from '../downstream/ops-service-clients';

const ACTION_TIMEOUT_MS = 10_000;

/**
 * Merchant's key routes (`/merchants/:id/keys…`), called for an admin operator with a credential
 * naming them: Merchant holds the keys, Ops never reads its tables.
 */
export class MerchantKeysClient {
  private readonly clients: OpsServiceClients;

  constructor(opsToken: string | undefined, env: NodeJS.ProcessEnv = process.env) {
    this.clients = new OpsServiceClients(opsToken, env);
  }

  list(merchantId: string, operator: NamedOperator): Promise<Record<string, unknown>> {
    return this.send('GET', `/merchants/${merchantId}/keys`, operator);
  }

  mint(merchantId: string, operator: NamedOperator): Promise<Record<string, unknown>> {
    return this.send('POST', `/merchants/${merchantId}/keys`, operator, {});
  }

  roll(merchantId: string, keyId: string, expiresInHours: number, operator: NamedOperator): Promise<Record<string, unknown>> {
    assertKeyId(keyId);
    return this.send('POST', `/merchants/${merchantId}/keys/${keyId}/roll`, operator, { expiresInHours });
  }

  revoke(merchantId: string, keyId: string, operator: NamedOperator): Promise<Record<string, unknown>> {
    assertKeyId(keyId);
    return this.send('DELETE', `/merchants/${merchantId}/keys/${keyId}`, operator);
  }

  /** Nest calls this as Ops stops: the connection pool closes. */
  onApplicationShutdown(): Promise<void> {
    return this.clients.close();
  }

  // Merchant's refusal (404, 409…) keeps its status and code; a GET is a read, tried once like the rest.
  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, operator: NamedOperator, body?: object) {
    const response = await this.clients.of('merchant').call(method, path, {
      body,
      headers: this.clients.onBehalfOf(operator),
      idempotent: method === 'GET',
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    return passedOn('merchant', response);
  }
}

/** What Merchant answers for a key id it cannot have (16 hex digits or none), answered without asking it. */
function assertKeyId(keyId: string): void {
  if (!isMerchantKeyId(keyId))
    throw new DomainError('not-found', 'KEY_NOT_FOUND', 'The merchant has no such key (key ids are 16 hex digits)');
}
