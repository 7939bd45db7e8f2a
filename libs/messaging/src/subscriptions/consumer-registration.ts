import { DefaultPorts, isCatalogued, parseQueueName } from '@app/contracts';
import { DomainError } from '@app/domain';
import { StartPosition, parseStartPosition } from './start-position';

/** A consumer queue an operator adds at run time, beside the routing table in code. */
export interface SubscriptionRegistration {
  name: string;
  /** null: every type. */
  eventTypes: readonly string[] | null;
  from: StartPosition;
  /** Paces the backfill (the events up to the head at registration); live events after it are not paced. */
  backfillRatePerSecond?: number | null;
}

/** What a producer refuses in a registration (registrationFor here, the relay's SubscriptionAdmin.register); Ops passes them on. */
export const REGISTRATION_PROBLEMS = {
  400: ['INVALID_QUEUE_NAME', 'RESERVED_CONSUMER', 'INVALID_POSITION', 'UNKNOWN_EVENT_TYPE', 'INVALID_RATE'],
  409: ['SUBSCRIPTION_EXISTS'],
} as const;

/** An operator's request to add a consumer queue of one producer, as it arrives (HTTP, CLI). */
export interface RegistrationRequest {
  /** The consumer queue, `<consumer>.<producer>-events`. */
  name: string;
  /** Omitted or empty: every type. */
  eventTypes?: readonly string[] | null;
  /** `0` (all history), a global position, or `now`. */
  from: string | number;
  backfillRatePerSecond?: number | null;
}

/**
 * Checks a registration against the producer it is sent to: the queue name follows docs/architecture.md#queues-and-messages and
 * names this producer, the consumer is not one of the platform's services (their queues are the
 * routing table's, provisioned with their users), and every type is one the producer publishes.
 */
export function registrationFor(producer: string, request: RegistrationRequest): SubscriptionRegistration {
  const parts = parseQueueName(request.name);
  if (!parts || parts.producer !== producer) {
    throw new DomainError(
      'validation',
      'INVALID_QUEUE_NAME',
      `"${request.name}" is not a queue of ${producer}: use <consumer>.${producer}-events`,
    );
  }
  if (parts.consumer in DefaultPorts) {
    throw new DomainError(
      'validation',
      'RESERVED_CONSUMER',
      `"${parts.consumer}" is a platform service; its queues come from the routing table`,
    );
  }
  const from = parseStartPosition(request.from);
  if (!from) throw new DomainError('validation', 'INVALID_POSITION', 'from must be a non-negative integer (0: all history) or "now"');
  const unknown = (request.eventTypes ?? []).filter((type) => !isCatalogued(producer, type));
  if (unknown.length > 0) {
    throw new DomainError('validation', 'UNKNOWN_EVENT_TYPE', `${producer} publishes no event of type ${unknown.join(', ')}`);
  }
  const rate = request.backfillRatePerSecond ?? null;
  if (rate !== null && (!Number.isSafeInteger(rate) || rate < 1)) {
    throw new DomainError('validation', 'INVALID_RATE', 'backfillRatePerSecond must be a whole number of at least 1');
  }
  const eventTypes = request.eventTypes?.length ? [...new Set(request.eventTypes)] : null;
  return { name: request.name, eventTypes, from, backfillRatePerSecond: rate };
}
