import { EventEnvelope } from '@app/contracts';
import { PermanentMessageError } from '@app/messaging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks for one field of an event's data; each names what it expects for the dead-letter message. */
export const Field = {
  uuid: { test: (v: unknown) => typeof v === 'string' && UUID.test(v), expects: 'a uuid' },
  amount: { test: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0, expects: 'a non-negative integer' },
  currency: { test: (v: unknown) => typeof v === 'string' && /^[A-Z]{3}$/.test(v), expects: 'an ISO 4217 code' },
} as const;

type FieldCheck = (typeof Field)[keyof typeof Field];

/**
 * The event's data, after checking the fields this consumer relies on. A producer that breaks the
 * agreed shape sends a message no retry can fix, so it is dead-lettered at once.
 */
export function checkedData<Data>(event: EventEnvelope<Data>, fields: Partial<Record<keyof Data, FieldCheck>>): Data {
  const data = event.data as Record<string, unknown>;
  const broken = Object.entries(fields as Record<string, FieldCheck>).filter(([name, check]) => !check.test(data[name]));
  if (broken.length > 0) {
    const detail = broken.map(([name, check]) => `data.${name} must be ${check.expects}`).join('; ');
    throw new PermanentMessageError('SCHEMA_VIOLATION', `${event.type} ${event.streamId}@${event.streamVersion}: ${detail}`);
  }
  return event.data;
}

/** When the event happened; a timestamp that does not parse is a broken envelope, dead-lettered at once. */
export function occurredAt(event: EventEnvelope<unknown>): string {
  if (Number.isNaN(Date.parse(event.occurredAt))) {
    throw new PermanentMessageError('SCHEMA_VIOLATION', `${event.type} ${event.streamId}@${event.streamVersion}: occurredAt is not a timestamp`);
  }
  return event.occurredAt;
}
