import { DefaultPorts, parseQueueName, Producer, Producers, queueName, routesFrom, ServiceName } from '@app/contracts';
import { AppliedLatency, appliedLatencyByQueue } from '@app/messaging';
import { DomainError } from '@app/domain';
import { NamedOperator } from '@app/platform';
import { ProducerFrontier, ProducerSubscription, ProducerSubscriptionsClient, SubscriptionAction } from './producer-subscriptions.client';

export interface SubscriptionView {
  name: string;
  producer: string;
  consumer: string;
  /** `unavailable` when the producer did not answer. */
  status: 'active' | 'paused' | 'unavailable';
  lagEvents: number | null;
  lagSeconds: number | null;
  cursorPosition: string | null;
  eventTypes: string[] | null;
  pendingControl: string | null;
  /** From recorded_at to the commit of the consumer's inbox row, over the last five minutes. */
  appliedP50Seconds: number | null;
  appliedP99Seconds: number | null;
  /** Set for a consumer an operator registered at run time; null for the routing table's. */
  registeredAt: string | null;
  /** Its backfill: how many events it had to catch up on, how many are left, at what pace. */
  backfill: BackfillView | null;
}

export interface BackfillView {
  total: number;
  remaining: number;
  ratePerSecond: number | null;
  done: boolean;
}

export interface ProducerView {
  producer: string;
  available: boolean;
  error?: string;
  frontier: ProducerFrontier;
}

/** Every producer's subscriptions in one list, and the operator actions on them. */
export class SubscriptionsService {
  constructor(private readonly client: ProducerSubscriptionsClient) {}

  async list(): Promise<{ producers: ProducerView[]; subscriptions: SubscriptionView[] }> {
    const [listings, frontiers, latency] = await Promise.all([
      Promise.all(Producers.map((producer) => this.client.list(producer))),
      Promise.all(Producers.map((producer) => this.client.frontier(producer))),
      this.latencyByQueue(),
    ]);
    const subscriptions: SubscriptionView[] = [];
    for (const listing of listings) {
      if (listing.available) {
        for (const s of listing.subscriptions) {
          const parsed = parseQueueName(s.name);
          subscriptions.push({
            name: s.name,
            producer: listing.producer,
            consumer: parsed?.consumer ?? 'unknown',
            status: s.status,
            lagEvents: s.lagEvents,
            lagSeconds: s.lagSeconds,
            cursorPosition: s.cursorPosition,
            eventTypes: s.eventTypes,
            pendingControl: s.pendingControl,
            appliedP50Seconds: latency.get(s.name)?.p50Seconds ?? null,
            appliedP99Seconds: latency.get(s.name)?.p99Seconds ?? null,
            registeredAt: s.registeredAt ?? null,
            backfill: backfillOf(s),
          });
        }
      } else {
        // What the routing says the producer feeds, so a down producer's consumers stay visible.
        for (const route of routesFrom(listing.producer)) {
          subscriptions.push({
            name: queueName(route.consumer, route.producer),
            producer: route.producer,
            consumer: route.consumer,
            status: 'unavailable',
            lagEvents: null,
            lagSeconds: null,
            cursorPosition: null,
            eventTypes: route.eventTypes ? [...route.eventTypes] : null,
            pendingControl: null,
            appliedP50Seconds: latency.get(queueName(route.consumer, route.producer))?.p50Seconds ?? null,
            appliedP99Seconds: latency.get(queueName(route.consumer, route.producer))?.p99Seconds ?? null,
            registeredAt: null,
            backfill: null,
          });
        }
      }
    }
    const producers = listings.map((l, i): ProducerView =>
      l.available
        ? { producer: l.producer, available: true, frontier: frontiers[i] }
        : { producer: l.producer, available: false, error: l.error, frontier: frontiers[i] },
    );
    return { producers, subscriptions };
  }

  /** Every consumer service's latency per queue; Ops' own queues are read in-process. */
  private async latencyByQueue(): Promise<Map<string, AppliedLatency>> {
    const consumers = [...new Set(Producers.flatMap((producer) => routesFrom(producer).map((route): string => route.consumer)))].filter(
      (consumer): consumer is ServiceName => consumer in DefaultPorts,
    );
    const answers = await Promise.all(
      consumers.map((consumer) => (consumer === 'ops' ? appliedLatencyByQueue() : this.client.latency(consumer))),
    );
    return new Map(answers.flat().map((entry) => [entry.queue, entry]));
  }

  async act(name: string, action: SubscriptionAction, operator: NamedOperator, body?: object): Promise<unknown> {
    const producer = producerOf(name);
    const answer = await this.client.act(producer, name, action, operator, body);
    return answer;
  }

  async rebase(producer: string, operator: NamedOperator): Promise<unknown> {
    if (!(Producers as string[]).includes(producer)) {
      throw new DomainError('not-found', 'PRODUCER_NOT_FOUND', `No producer named "${producer}"`);
    }
    const answer = await this.client.rebase(producer as Producer, operator);
    return answer;
  }
}

/** Progress of a registered consumer's backfill: its lag, bounded by what there was to catch up on. */
function backfillOf(s: ProducerSubscription): BackfillView | null {
  if (!s.registeredAt || s.backfillTotal == null) return null;
  const remaining = Math.min(s.lagEvents, s.backfillTotal);
  return { total: s.backfillTotal, remaining, ratePerSecond: s.backfillRatePerSecond ?? null, done: remaining === 0 };
}

export function producerOf(name: string): Producer {
  const producer = parseQueueName(name)?.producer;
  if (!producer || !(Producers as string[]).includes(producer)) {
    throw new DomainError('not-found', 'SUBSCRIPTION_NOT_FOUND', `No subscription named "${name}"`);
  }
  return producer as Producer;
}
