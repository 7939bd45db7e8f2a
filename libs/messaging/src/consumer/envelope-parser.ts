import { ControlTypes, EventEnvelope, isCatalogued } from '@app/contracts';
import { checkEventContract } from './event-contract-check';
import { PermanentMessageError } from './message-failure';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks a message body against the contract's envelope (docs/architecture.md#queues-and-messages) and its data's schema; throws a permanent error. */
export function parseEnvelope(content: Buffer, producer: string): EventEnvelope {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch {
    throw new PermanentMessageError('MALFORMED_JSON', 'message body is not valid JSON');
  }
  if (!isObject(body)) throw new PermanentMessageError('SCHEMA_VIOLATION', 'message body is not an object');
  const problems: string[] = [];
  const expect = (field: string, ok: boolean) => ok || problems.push(field);
  expect('eventId', typeof body.eventId === 'string' && body.eventId.length > 0);
  expect('type', typeof body.type === 'string' && body.type.length > 0);
  expect('schemaVersion', Number.isInteger(body.schemaVersion));
  expect('streamId', typeof body.streamId === 'string' && body.streamId.length > 0);
  expect('streamVersion', Number.isInteger(body.streamVersion) && (body.streamVersion as number) >= 0);
  expect('globalPosition', typeof body.globalPosition === 'string' && /^\d+$/.test(body.globalPosition));
  expect('occurredAt', typeof body.occurredAt === 'string' && !Number.isNaN(Date.parse(body.occurredAt)));
  expect('data', isObject(body.data));
  expect('metadata', isObject(body.metadata));
  if (problems.length > 0) {
    throw new PermanentMessageError('SCHEMA_VIOLATION', `invalid or missing envelope fields: ${problems.join(', ')}`);
  }
  const envelope = body as unknown as EventEnvelope;
  if (envelope.type !== ControlTypes.rebuild && !isCatalogued(producer, envelope.type)) {
    throw new PermanentMessageError('UNKNOWN_TYPE', `"${envelope.type}" is not an event type of producer "${producer}"`);
  }
  return checkEventContract(producer, envelope);
}
