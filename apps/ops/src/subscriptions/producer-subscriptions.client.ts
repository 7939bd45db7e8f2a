import { Producer, ServiceName } from '@app/contracts';
import type { AppliedLatency } from '@app/messaging';
import { DownstreamUnavailableError, NamedOperator, ServiceCredential } from '@app/platform';
import { OpsServiceClients, passedOn } from '../downstream/ops-service-clients';

/** One subscription as its producer reports it (libs/relay SubscriptionAdmin). */
export interface ProducerSubscription {
  name: string;
  eventTypes: string[] | null;
  status: 'active' | 'paused';
  cursorTransactionId: string;
  cursorPosition: string;
  pendingControl: string | null;
  lagEvents: number;
  lagSeconds: number;
  backfillRatePerSecond?: number | null;
  backfillTotal?: number | null;
  registeredAt?: string | null;
}

/** A consumer queue to add at run time, as the producer's `POST /subscriptions` takes it. */
export interface SubscriptionRegistrationBody {
  name: string;
  eventTypes?: string[];
  from: string;
  backfillRatePerSecond?: number;
}

export type ProducerListing =
  { producer: Producer; available: true; subscriptions: ProducerSubscription[] } | { producer: Producer; available: false; error: string };

export type SubscriptionAction = 'pause' | 'resume' | 'rewind' | 'redeliver';

/** A producer's commit frontier as it reports it (libs/relay FrontierMonitor.inspect), or why it could not. */
export type ProducerFrontier =
  | { held: false; relayRefusal?: string | null }
  | {
      held: true;
      transactionId: string;
      heldSeconds: number | null;
      pid: number | null;
      query: string | null;
      database: string | null;
      warnAfterSeconds?: number;
      relayRefusal?: string | null;
    }
  | { held: null; error: string };

const ACTION_TIMEOUT_MS = 10_000;

/**
 * Reads and steers subscriptions through each producer's own `/subscriptions` routes: the
 * cursors live in the producer's schema, which Ops never touches directly.
 */
export class ProducerSubscriptionsClient {
  private readonly clients: OpsServiceClients;
  private readonly credential: ServiceCredential;

  constructor(
    private readonly opsToken: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.clients = new OpsServiceClients(opsToken, env);
    this.credential = ServiceCredential.fromEnv('ops', env);
  }

  async list(producer: Producer): Promise<ProducerListing> {
    try {
      // Listing is Ops' own business: its own credential. Actions below are an operator's, with a credential naming them.
      const serviceToken = this.credential.current() ?? this.opsToken ?? '';
      const response = await this.clients
        .of(producer)
        .call('GET', '/subscriptions', { headers: { authorization: `Bearer ${serviceToken}` }, idempotent: true });
      if (response.status < 200 || response.status >= 300) return { producer, available: false, error: `answered ${response.status}` };
      return { producer, available: true, subscriptions: response.body as unknown as ProducerSubscription[] };
    } catch (error) {
      return { producer, available: false, error: describe(error) };
    }
  }

  /** The producer's commit frontier: held or not, for how long, by which backend and query. */
  async frontier(producer: Producer): Promise<ProducerFrontier> {
    try {
      return (await this.read(producer, '/subscriptions/frontier')) as ProducerFrontier;
    } catch (error) {
      return { held: null, error: describe(error) };
    }
  }

  /** A consumer service's commit-to-applied latency per queue; empty when it does not answer. */
  async latency(consumer: ServiceName): Promise<AppliedLatency[]> {
    try {
      return (await this.read(consumer, '/consumers/latency')) as AppliedLatency[];
    } catch {
      return [];
    }
  }

  private async read(service: ServiceName, path: string): Promise<unknown> {
    const response = await this.clients.of(service).call('GET', path, { idempotent: true });
    if (response.status < 200 || response.status >= 300) throw new Error(`answered ${response.status}`);
    return response.body;
  }

  /** Forwards an operator's action as that operator (OpsServiceClients.onBehalfOf); the producer's refusal keeps its status and code. */
  act(producer: Producer, name: string, action: SubscriptionAction, operator: NamedOperator, body?: object): Promise<unknown> {
    return this.send(producer, 'POST', `/subscriptions/${encodeURIComponent(name)}/${action}`, operator, body ?? {});
  }

  /** Asks `producer` to re-base its stored transaction ids after a restore (libs/relay rebaseTransactionIds). */
  rebase(producer: Producer, operator: NamedOperator): Promise<unknown> {
    return this.send(producer, 'POST', '/subscriptions/rebase', operator, {});
  }

  /** Asks `producer` to add a subscription with its own cursor (libs/relay SubscriptionAdmin.register). */
  register(producer: Producer, body: SubscriptionRegistrationBody, operator: NamedOperator): Promise<ProducerSubscription> {
    return this.send(producer, 'POST', '/subscriptions', operator, body) as Promise<ProducerSubscription>;
  }

  /** Asks `producer` to delete a subscription registered at run time. */
  remove(producer: Producer, name: string, operator: NamedOperator): Promise<unknown> {
    return this.send(producer, 'DELETE', `/subscriptions/${encodeURIComponent(name)}`, operator);
  }

  /** Nest calls this as Ops stops: the connection pools close. */
  onApplicationShutdown(): Promise<void> {
    return this.clients.close();
  }

  // Fastify refuses an empty body declared as JSON: a DELETE goes without one.
  private async send(
    producer: Producer,
    method: 'POST' | 'DELETE',
    path: string,
    operator: NamedOperator,
    body?: object,
  ): Promise<unknown> {
    const response = await this.clients.of(producer).call(method, path, {
      body,
      headers: this.clients.onBehalfOf(operator),
      idempotent: false,
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    return passedOn(producer, response);
  }
}

/** Why a producer did not answer: the transport's reason (a refused connection, no answer in time), or its status. */
function describe(error: unknown): string {
  const cause = error instanceof DownstreamUnavailableError ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
