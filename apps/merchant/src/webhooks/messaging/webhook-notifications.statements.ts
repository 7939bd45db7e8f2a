import { ContractEvent } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { CheckoutChange, CheckoutFacts, notificationBody, notificationIdFor, notificationOf } from '../domain/webhook-notification';
import { deliveryWake } from '../delivery/delivery-wake';
import { webhooksConfig } from '../webhooks.config';

type Started = ContractEvent<'checkout', 'CheckoutStarted'>;
type Final = ContractEvent<'checkout', 'CheckoutCompleted' | 'CheckoutRejected' | 'CheckoutCompensated'>;

interface EndpointRow {
  id: string;
  merchantId: string;
  events: string[];
  createdAt: Date;
}

interface Notice {
  eventId: string;
  checkoutId: string;
  merchantId: string;
  change: CheckoutChange;
  occurredAt: string;
  dueAt: Date;
  traceparent: string | undefined;
}

const endpointsOf = (manager: EntityManager, merchantIds: string[]): Promise<EndpointRow[]> =>
  manager.query(
    `SELECT id, merchant_id AS "merchantId", events, created_at AS "createdAt"
       FROM merchant.webhook_endpoints WHERE merchant_id = ANY($1::uuid[]) AND enabled`,
    [[...new Set(merchantIds)]],
  );

/**
 * One delivery row per notice and endpoint that subscribed to its type and existed when it happened
 * (a rewind never notifies endpoints registered since), with a stable id: a second copy of an event
 * changes nothing.
 */
async function record(
  manager: EntityManager,
  notices: readonly Notice[],
  endpoints: readonly EndpointRow[],
  facts: Map<string, CheckoutFacts>,
) {
  const rows = notices.flatMap((notice) => {
    const { type } = notificationOf(notice.change);
    return endpoints
      .filter((e) => e.merchantId === notice.merchantId && e.events.includes(type) && e.createdAt <= new Date(notice.occurredAt))
      .map((endpoint) => {
        const id = notificationIdFor(notice.eventId, endpoint.id);
        const known = facts.get(notice.checkoutId)!;
        return {
          id,
          endpointId: endpoint.id,
          checkoutId: notice.checkoutId,
          type,
          body: notificationBody(id, notice.change, known, notice.occurredAt),
          dueAt: notice.dueAt,
          traceparent: notice.traceparent ?? null,
        };
      });
  });
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO merchant.webhook_deliveries (id, endpoint_id, checkout_id, event_type, body, next_attempt_at, traceparent)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
     ON CONFLICT (id) DO NOTHING`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.endpointId),
      rows.map((r) => r.checkoutId),
      rows.map((r) => r.type),
      rows.map((r) => r.body),
      rows.map((r) => r.dueAt),
      rows.map((r) => r.traceparent),
    ],
  );
  deliveryWake.wake();
}

/**
 * A started checkout of a merchant with endpoints: remember what later events do not say (items, start),
 * and schedule its `checkout.pending`, which goes out only if it is still open `pendingAfterMs` later.
 */
export async function checkoutsStarted(manager: EntityManager, events: readonly Started[]): Promise<void> {
  const endpoints = await endpointsOf(
    manager,
    events.map((e) => e.data.merchantId),
  );
  if (endpoints.length === 0) return;
  const watched = events.filter((e) => endpoints.some((endpoint) => endpoint.merchantId === e.data.merchantId));
  await manager.query(
    `INSERT INTO merchant.webhook_checkouts (checkout_id, merchant_id, total, currency, items, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::jsonb[], $6::timestamptz[]) ON CONFLICT DO NOTHING`,
    [
      watched.map((e) => e.data.checkoutId),
      watched.map((e) => e.data.merchantId),
      watched.map((e) => e.data.total),
      watched.map((e) => e.data.currency),
      watched.map((e) => JSON.stringify(e.data.items)),
      watched.map((e) => e.occurredAt),
    ],
  );
  const facts = new Map(watched.map((e) => [e.data.checkoutId, { ...e.data, createdAt: e.occurredAt }]));
  const pendingAfterMs = webhooksConfig().pendingAfterMs;
  const notices = watched.map((e) => ({
    eventId: e.eventId,
    checkoutId: e.data.checkoutId,
    merchantId: e.data.merchantId,
    change: { event: 'CheckoutStarted' as const },
    occurredAt: e.occurredAt,
    dueAt: new Date(new Date(e.occurredAt).getTime() + pendingAfterMs),
    traceparent: e.metadata.traceparent,
  }));
  await record(manager, notices, endpoints, facts);
}

const changeOf = (event: Final): CheckoutChange =>
  event.type === 'CheckoutCompleted' ? { event: event.type } : { event: event.type, reason: event.data.reason };

/**
 * A final event: cancel the checkout's `checkout.pending` not sent yet, and notify its merchant's
 * endpoints. CheckoutCompensated names no merchant: it is found where the start was remembered.
 */
export async function checkoutsFinished(manager: EntityManager, events: readonly Final[]): Promise<void> {
  const ids = events.map((e) => e.data.checkoutId);
  const known: (CheckoutFacts & { merchantId: string })[] = await manager.query(
    `SELECT checkout_id AS "checkoutId", merchant_id AS "merchantId", total::float8 AS total, currency, items, created_at AS "createdAt"
       FROM merchant.webhook_checkouts WHERE checkout_id = ANY($1::uuid[])`,
    [ids],
  );
  const facts = new Map<string, CheckoutFacts & { merchantId?: string }>(known.map((k) => [k.checkoutId, k]));
  const merchantOf = (e: Final) => ('merchantId' in e.data ? e.data.merchantId : facts.get(e.data.checkoutId)?.merchantId);
  const located = events.filter((e) => merchantOf(e) !== undefined);
  if (located.length === 0) return;
  const endpoints = await endpointsOf(
    manager,
    located.map((e) => merchantOf(e)!),
  );
  if (known.length > 0) {
    await manager.query(
      `DELETE FROM merchant.webhook_deliveries
        WHERE checkout_id = ANY($1::uuid[]) AND event_type = 'checkout.pending' AND status = 'pending' AND attempts = 0`,
      [known.map((k) => k.checkoutId)],
    );
  }
  for (const e of located) {
    if (facts.has(e.data.checkoutId) || !('total' in e.data)) continue;
    facts.set(e.data.checkoutId, {
      checkoutId: e.data.checkoutId,
      total: e.data.total,
      currency: e.data.currency,
      items: [],
      createdAt: e.occurredAt,
    });
  }
  const notices = located
    .filter((e) => facts.has(e.data.checkoutId))
    .map((e) => ({
      eventId: e.eventId,
      checkoutId: e.data.checkoutId,
      merchantId: merchantOf(e)!,
      change: changeOf(e),
      occurredAt: e.occurredAt,
      dueAt: new Date(e.occurredAt),
      traceparent: e.metadata.traceparent,
    }));
  if (endpoints.length > 0) await record(manager, notices, endpoints, facts);
  // A completed or rejected checkout is final (a compensation comes just before its rejection): forget it.
  const final = known.filter((k) => events.some((e) => e.data.checkoutId === k.checkoutId && e.type !== 'CheckoutCompensated'));
  if (final.length > 0) {
    await manager.query('DELETE FROM merchant.webhook_checkouts WHERE checkout_id = ANY($1::uuid[])', [final.map((k) => k.checkoutId)]);
  }
}
