import { parseQueueName, Producer, Producers, queueName, routesFrom } from '@app/contracts';
import { DomainError } from '@app/domain';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { ProducerSubscriptionsClient, SubscriptionAction } from './producer-subscriptions.client';

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
}

/** Every producer's subscriptions in one list, and the operator actions on them. */
export class SubscriptionsService {
  constructor(
    private readonly client: ProducerSubscriptionsClient,
    private readonly dataSource: DataSource,
    private readonly actions: OperatorActionsRepository,
  ) {}

  async list(): Promise<{ producers: { producer: string; available: boolean; error?: string }[]; subscriptions: SubscriptionView[] }> {
    const listings = await Promise.all(Producers.map((producer) => this.client.list(producer)));
    const subscriptions: SubscriptionView[] = [];
    for (const listing of listings) {
      if (listing.available) {
        for (const s of listing.subscriptions) {
          const parsed = parseQueueName(s.name);
          subscriptions.push({
            name: s.name, producer: listing.producer, consumer: parsed?.consumer ?? 'unknown', status: s.status,
            lagEvents: s.lagEvents, lagSeconds: s.lagSeconds, cursorPosition: s.cursorPosition,
            eventTypes: s.eventTypes, pendingControl: s.pendingControl,
          });
        }
      } else {
        // What the routing says the producer feeds, so a down producer's consumers stay visible.
        for (const route of routesFrom(listing.producer)) {
          subscriptions.push({
            name: queueName(route.consumer, route.producer), producer: route.producer, consumer: route.consumer,
            status: 'unavailable', lagEvents: null, lagSeconds: null, cursorPosition: null,
            eventTypes: route.eventTypes ? [...route.eventTypes] : null, pendingControl: null,
          });
        }
      }
    }
    const producers = listings.map((l) => (l.available ? { producer: l.producer, available: true } : { producer: l.producer, available: false, error: l.error }));
    return { producers, subscriptions };
  }

  async act(name: string, action: SubscriptionAction, actor: string, body?: { toPosition: number }): Promise<unknown> {
    const producer = producerOf(name);
    const answer = await this.client.act(producer, name, action, actor, body);
    await this.actions.record(this.dataSource.manager, { actor, action, target: name, detail: body });
    return answer;
  }

  async rebase(producer: string, actor: string): Promise<unknown> {
    if (!(Producers as string[]).includes(producer)) {
      throw new DomainError('not-found', 'PRODUCER_NOT_FOUND', `No producer named "${producer}"`);
    }
    const answer = await this.client.rebase(producer as Producer, actor);
    await this.actions.record(this.dataSource.manager, { actor, action: 'rebase', target: producer, detail: answer as object });
    return answer;
  }
}

function producerOf(name: string): Producer {
  const producer = parseQueueName(name)?.producer;
  if (!producer || !(Producers as string[]).includes(producer)) {
    throw new DomainError('not-found', 'SUBSCRIPTION_NOT_FOUND', `No subscription named "${name}"`);
  }
  return producer as Producer;
}
