import { EventEnvelope } from '@app/contracts';
import { PermanentMessageError } from './message-failure';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks for one field of an event's data; each names what it expects for the dead-letter message. */
export const Field = {
  uuid: { test: (v: unknown) => typeof v === 'string' && UUID.test(v), expects: 'a uuid' },
  amount: { test: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0, expects: 'a non-negative integer' },
  integer: { test: (v: unknown) => Number.isSafeInteger(v), expects: 'an integer' },
  currency: { test: (v: unknown) => typeof v === 'string' && /^[A-Z]{3}$/.test(v), expects: 'an ISO 4217 code' },
  text: { test: (v: unknown) => typeof v === 'string' && v.length > 0, expects: 'a non-empty string' },
} as const;

export type FieldCheck = (typeof Field)[keyof typeof Field];

/**
 * For handlers: the event's data, after checking the fields this consumer relies on, and when it happened. A
 * producer that breaks the agreed shape sends a message no retry can fix: it is dead-lettered at once.
 */
export function checkedEvent<Data>(
  event: EventEnvelope<Data>,
  fields: Partial<Record<keyof Data, FieldCheck>>,
): { data: Data; occurredAt: string; version: number } {
  const data = event.data as Record<string, unknown>;
  const broken = Object.entries(fields as Record<string, FieldCheck>)
    .filter(([name, check]) => !check.test(data[name]))
    .map(([name, check]) => `data.${name} must be ${check.expects}`);
  if (Number.isNaN(Date.parse(event.occurredAt))) broken.push('occurredAt must be a timestamp');
  if (broken.length > 0) {
    throw new PermanentMessageError('SCHEMA_VIOLATION', `${event.type} ${event.streamId}@${event.streamVersion}: ${broken.join('; ')}`);
  }
  return { data: event.data, occurredAt: event.occurredAt, version: event.streamVersion };
}
