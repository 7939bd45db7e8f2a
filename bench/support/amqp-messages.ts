import { Headers } from '@app/contracts';
import { OutgoingMessage } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { toOutgoingMessage } from '../../libs/relay/src/outbox-message';
import { OutboxRow } from '../../libs/relay/src/subscription-store';

/** The header sets a pass can publish: the relay's own, or less of it, to price what the headers cost. */
export type HeaderSet = 'relay' | 'needed' | 'none';

/**
 * The only headers a consumer reads from an event (QueueConsumer's admission); the rest repeat the
 * body (stream id, version, position, schema version) or are for people and tools (producer,
 * transaction, correlation, causation).
 */
const NEEDED: readonly string[] = [Headers.previousStreamVersion, Headers.appendIndex, Headers.appendCount];

/** A checkout-sized event as the outbox stores it: its JSON body comes to about 600 bytes. */
function sampleRow(i: number): OutboxRow {
  const checkoutId = randomUUID();
  const data = {
    checkoutId,
    accountId: randomUUID(),
    merchantId: randomUUID(),
    amount: { value: '129.90', currency: 'EUR' },
    items: [
      { sku: 'SKU-000123', quantity: 2, price: '39.95' },
      { sku: 'SKU-004567', quantity: 1, price: '50.00' },
    ],
  };
  return {
    global_position: String(1_000_000 + i),
    transaction_id: String(5_000_000 + Math.floor(i / 3)),
    event_id: randomUUID(),
    stream_id: `checkout-${checkoutId}`,
    stream_version: 3,
    previous_version: 2,
    append_index: 1,
    append_count: 1,
    type: 'CheckoutAuthorized',
    schema_version: 1,
    data: JSON.stringify(data),
    metadata: JSON.stringify({ correlationId: randomUUID(), causationId: randomUUID(), actor: 'user:bench' }),
    correlation_id: randomUUID(),
    causation_id: randomUUID(),
    occurred_at: new Date().toISOString(),
    recorded_epoch_seconds: Math.floor(Date.now() / 1000),
  };
}

/** `count` messages exactly as the relay builds them (toOutgoingMessage), with `headers` kept of their headers. */
export function relayMessages(count: number, headers: HeaderSet): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => withHeaders(toOutgoingMessage('checkout', sampleRow(i)), headers));
}

export function withHeaders(message: OutgoingMessage, set: HeaderSet): OutgoingMessage {
  const all = message.options.headers as Record<string, unknown>;
  if (set === 'relay') return message;
  const kept = set === 'none' ? undefined : Object.fromEntries(NEEDED.map((name) => [name, all[name]]));
  return { content: message.content, options: { ...message.options, headers: kept } };
}
