import { Producer, ServiceName, serviceUrl } from '@app/contracts';
import type { AppliedLatency } from '@app/messaging';
import { codeOfStatus, DownstreamUnavailableError, ProblemException } from '@app/platform';
import { OPERATOR_HEADER } from '../operators/operator.decorator';

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

const LIST_TIMEOUT_MS = 3_000;
const ACTION_TIMEOUT_MS = 10_000;

/**
 * Reads and steers subscriptions through each producer's own `/subscriptions` routes: the
 * cursors live in the producer's schema, which Ops never touches directly.
 */
export class ProducerSubscriptionsClient {
  constructor(
    private readonly opsToken: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async list(producer: Producer): Promise<ProducerListing> {
    try {
      const response = await fetch(`${serviceUrl(producer, this.env)}/subscriptions`, {
        // Listing is Ops' own business: its own credential. Actions below are an operator's, with the operator token.
        headers: { authorization: `Bearer ${this.env.SERVICE_TOKEN ?? this.opsToken ?? ''}` },
        signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
      });
      if (!response.ok) return { producer, available: false, error: `answered ${response.status}` };
      return { producer, available: true, subscriptions: (await response.json()) as ProducerSubscription[] };
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
    const response = await fetch(`${serviceUrl(service, this.env)}${path}`, {
      headers: { authorization: `Bearer ${this.opsToken ?? ''}` },
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    return response.json();
  }

  /** Forwards an operator action with Ops' own token; the producer's refusal keeps its status and code. */
  act(producer: Producer, name: string, action: SubscriptionAction, actor: string, body?: object): Promise<unknown> {
    return this.send(producer, `/subscriptions/${encodeURIComponent(name)}/${action}`, actor, body);
  }

  /** Asks `producer` to re-base its stored transaction ids after a restore (libs/relay rebaseTransactionIds). */
  rebase(producer: Producer, actor: string): Promise<unknown> {
    return this.send(producer, '/subscriptions/rebase', actor);
  }

  /** Asks `producer` to add a subscription with its own cursor (libs/relay SubscriptionAdmin.register). */
  register(producer: Producer, body: SubscriptionRegistrationBody, actor: string): Promise<ProducerSubscription> {
    return this.send(producer, '/subscriptions', actor, body) as Promise<ProducerSubscription>;
  }

  /** Asks `producer` to delete a subscription registered at run time. */
  remove(producer: Producer, name: string, actor: string): Promise<unknown> {
    return this.send(producer, `/subscriptions/${encodeURIComponent(name)}`, actor, undefined, 'DELETE');
  }

  private async send(producer: Producer, path: string, actor: string, body?: object, method = 'POST'): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${serviceUrl(producer, this.env)}${path}`, {
        method,
        headers: {
          // Fastify refuses an empty body declared as JSON.
          ...(method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
          authorization: `Bearer ${this.opsToken ?? ''}`,
          [OPERATOR_HEADER]: actor,
        },
        body: method === 'DELETE' ? undefined : JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DownstreamUnavailableError(producer, error);
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return answer;
    if (response.status >= 500) throw new DownstreamUnavailableError(producer, new Error(`answered ${response.status}`));
    if (response.status === 401 || response.status === 403) {
      throw new ProblemException(
        502,
        'OPS_TOKEN_REJECTED',
        `The ${producer} service refused Ops' operator token; OPS_TOKEN must be the same for both`,
      );
    }
    const code = typeof answer.code === 'string' ? answer.code : codeOfStatus(response.status);
    const detail = typeof answer.detail === 'string' ? answer.detail : `The ${producer} service answered ${response.status}`;
    throw new ProblemException(response.status, code, detail);
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code || cause?.message) return cause.code ?? cause.message!;
  return (error as Error).name === 'TimeoutError' ? `no answer within ${LIST_TIMEOUT_MS} ms` : (error as Error).message;
}
