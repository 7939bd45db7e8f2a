import { Producer } from './catalog';
import { RetryTier, configuredRetryPolicy } from './retry-policy';

export type Consumer = 'account' | 'merchant' | 'checkout' | 'fraud' | 'ops';

/** One consumer queue fed by one producer's relay. `eventTypes: null` means every type. */
export interface Route {
  producer: Producer;
  consumer: Consumer;
  eventTypes: readonly string[] | null;
}

/**
 * The routing of the contract (docs/architecture.md#routing); a change here is a contract change. Where a consumer
 * uses only some of a producer's types, its subscription carries just those: Merchant's sales ledger
 * counts completed checkouts and its webhooks notify starts and outcomes, the velocity rule counts
 * started ones. The other checkout events
 * would each cost those consumers a transaction for nothing. Checkout reads merchants
 * synchronously (a suspension must stop the very next checkout), so it has no merchant queue.
 */
export const Routes: readonly Route[] = [
  { producer: 'account', consumer: 'fraud', eventTypes: null },
  { producer: 'account', consumer: 'account', eventTypes: null },
  { producer: 'account', consumer: 'ops', eventTypes: null },
  { producer: 'merchant', consumer: 'fraud', eventTypes: null },
  { producer: 'merchant', consumer: 'ops', eventTypes: null },
  {
    producer: 'checkout',
    consumer: 'merchant',
    eventTypes: ['CheckoutStarted', 'CheckoutCompleted', 'CheckoutRejected', 'CheckoutCompensated'],
  },
  { producer: 'checkout', consumer: 'fraud', eventTypes: ['CheckoutStarted'] },
  { producer: 'checkout', consumer: 'ops', eventTypes: null },
  { producer: 'fraud', consumer: 'ops', eventTypes: null },
];

/** `<consumer>.<producer>-events`, e.g. `fraud.account-events`. */
export const queueName = (consumer: string, producer: string): string => `${consumer}.${producer}-events`;
/** `<queue>.retry.<tier>`, e.g. `fraud.account-events.retry.5s`. */
export const retryQueueOf = (queue: string, tier: RetryTier): string => `${queue}.retry.${tier.name}`;
/** Every retry queue of `queue` under the installation's tiers (RetryPolicy). */
export const retryQueuesOf = (queue: string, tiers: readonly RetryTier[] = configuredRetryPolicy().tiers): string[] =>
  tiers.map((tier) => retryQueueOf(queue, tier));
/** The single retry queue of earlier versions (a per-message expiry each); provisioning removes it once it is empty. */
export const legacyRetryQueueOf = (queue: string): string => `${queue}.retry`;
export const deadLetterQueueOf = (queue: string): string => `${queue}.dlq`;

/** Parses `<consumer>.<producer>-events` back into its parts. */
export function parseQueueName(queue: string): { consumer: string; producer: string } | undefined {
  const match = /^([a-z0-9-]+)\.([a-z-]+)-events$/.exec(queue);
  return match ? { consumer: match[1], producer: match[2] } : undefined;
}

export const routesFrom = (producer: string): Route[] => Routes.filter((r) => r.producer === producer);
export const routesTo = (consumer: string): Route[] => Routes.filter((r) => r.consumer === consumer);
export const allQueues = (): string[] => Routes.map((r) => queueName(r.consumer, r.producer));
