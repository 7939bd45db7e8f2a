import { DeliveryRow, EndpointRow } from './webhook-endpoints.repository';
import { WebhookDeliveryAnswer, WebhookEndpointAnswer } from './webhook-endpoints.dto';

const iso = (date: Date | null): string | undefined => (date ? new Date(date).toISOString() : undefined);

/** An endpoint as its routes answer it: never a secret. */
export const endpointAnswerOf = (row: EndpointRow): WebhookEndpointAnswer => ({
  id: row.id,
  url: row.url,
  events: row.events,
  state: row.enabled ? 'enabled' : 'disabled',
  disabledReason: row.disabledReason ?? undefined,
  disabledAt: iso(row.disabledAt),
  failingSince: iso(row.failingSince),
  previousSecretExpiresAt: iso(row.previousSecretUntil),
  createdAt: iso(row.createdAt)!,
});

export const deliveryAnswerOf = (row: DeliveryRow): WebhookDeliveryAnswer => ({
  id: row.id,
  eventType: row.eventType,
  checkoutId: row.checkoutId ?? undefined,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : undefined,
  lastAttemptAt: iso(row.lastAttemptAt),
  lastStatusCode: row.lastStatusCode ?? undefined,
  lastError: row.lastError ?? undefined,
  lastLatencyMs: row.lastLatencyMs ?? undefined,
  deliveredAt: iso(row.deliveredAt),
  createdAt: iso(row.createdAt)!,
});
