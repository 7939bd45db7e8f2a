import { ControlTypes, Headers } from '@app/contracts';
import { OutgoingMessage } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { OutboxRow } from './subscription-store';
import { upcastOutboxRow } from './upcast-outbox-row';

const builtForRead = new WeakMap<readonly OutboxRow[], OutgoingMessage[]>();

/**
 * The messages of one batch read. Destinations that share a read (SubscriptionStore) get the same
 * rows, and so the same messages, built once: a message is never changed once built.
 */
export function toOutgoingMessages(producer: string, rows: readonly OutboxRow[]): OutgoingMessage[] {
  let messages = builtForRead.get(rows);
  if (!messages) builtForRead.set(rows, (messages = rows.map((row) => toOutgoingMessage(producer, row))));
  return messages;
}

/**
 * Turns a stored event into the contract's message (docs/architecture.md#queues-and-messages), at its current schema version. The body is
 * assembled from the row's JSON text so the relay never parses and re-serialises current event data.
 */
export function toOutgoingMessage(producer: string, stored: OutboxRow): OutgoingMessage {
  const row = upcastOutboxRow(producer, stored);
  const body =
    `{"eventId":"${row.event_id}","type":${JSON.stringify(row.type)},"schemaVersion":${row.schema_version},` +
    `"streamId":${JSON.stringify(row.stream_id)},"streamVersion":${row.stream_version},` +
    `"globalPosition":"${row.global_position}","occurredAt":"${row.occurred_at}",` +
    `"data":${row.data},"metadata":${row.metadata}}`;
  return {
    content: Buffer.from(body),
    options: {
      messageId: row.event_id,
      type: row.type,
      contentType: 'application/json',
      timestamp: row.recorded_epoch_seconds,
      persistent: true,
      mandatory: true,
      headers: {
        [Headers.producer]: producer,
        [Headers.streamId]: row.stream_id,
        [Headers.streamVersion]: row.stream_version,
        [Headers.previousStreamVersion]: row.previous_version,
        [Headers.globalPosition]: row.global_position,
        [Headers.transactionId]: row.transaction_id,
        [Headers.appendIndex]: row.append_index,
        [Headers.appendCount]: row.append_count,
        [Headers.correlationId]: row.correlation_id ?? undefined,
        [Headers.causationId]: row.causation_id ?? undefined,
        [Headers.schemaVersion]: row.schema_version,
      },
    },
  };
}

/** The control message that tells a consumer to drop its read models and rebuild from history. */
export function rebuildMessage(producer: string, queue: string): OutgoingMessage {
  const eventId = randomUUID();
  const body = {
    eventId,
    type: ControlTypes.rebuild,
    schemaVersion: 1,
    streamId: `$subscription-${queue}`,
    streamVersion: 0,
    globalPosition: '0',
    occurredAt: new Date().toISOString(),
    data: { queue },
    metadata: {},
  };
  return {
    content: Buffer.from(JSON.stringify(body)),
    options: {
      messageId: eventId,
      type: ControlTypes.rebuild,
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
      headers: { [Headers.producer]: producer, [Headers.control]: ControlTypes.rebuild },
    },
  };
}
