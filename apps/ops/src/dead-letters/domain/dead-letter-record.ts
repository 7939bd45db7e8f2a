import { Headers } from '@app/contracts';
import { createHash } from 'node:crypto';
import { Json, toJsonObject } from './json-value';

/** The parts of a message taken from a `<queue>.dlq` that Ops keeps (amqplib's message fits). */
export interface IncomingDeadLetter {
  content: Buffer;
  properties: {
    messageId?: unknown;
    type?: unknown;
    contentType?: unknown;
    contentEncoding?: unknown;
    correlationId?: unknown;
    appId?: unknown;
    timestamp?: unknown;
    headers?: Record<string, unknown>;
  };
}

/** One dead-lettering of a message, as it is stored in `dead_letters`. */
export interface DeadLetterRecord {
  queue: string;
  messageId: string;
  type: string | null;
  headers: Record<string, Json>;
  properties: Record<string, Json>;
  body: Buffer;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

const DLQ_SUFFIX = '.dlq';
const KEPT_PROPERTIES = ['type', 'contentType', 'contentEncoding', 'correlationId', 'appId', 'timestamp'] as const;

/** `fraud.account-events.dlq` → `fraud.account-events`: the only queue a replay may go to. */
export function originalQueueOf(deadLetterQueue: string): string {
  return deadLetterQueue.endsWith(DLQ_SUFFIX) ? deadLetterQueue.slice(0, -DLQ_SUFFIX.length) : deadLetterQueue;
}

/**
 * Reads what the consumer wrote about the failure (the `x-*` headers of docs/architecture.md#queues-and-messages), falling back to
 * RabbitMQ's own `x-death` when the broker dead-lettered the message itself (delivery limit).
 * Never throws: a dead letter may be anything at all.
 */
export function toDeadLetterRecord(deadLetterQueue: string, message: IncomingDeadLetter, receivedAt: string): DeadLetterRecord {
  const rawHeaders = message.properties.headers ?? {};
  const death = firstDeath(rawHeaders['x-death']);
  const lastFailedAt = isoOrUndefined(rawHeaders[Headers.lastFailedAt]) ?? death?.time ?? receivedAt;
  const properties: Record<string, unknown> = {};
  for (const name of KEPT_PROPERTIES) properties[name] = message.properties[name];
  return {
    queue: originalQueueOf(deadLetterQueue),
    messageId: nonEmpty(message.properties.messageId) ?? `sha256:${createHash('sha256').update(message.content).digest('hex')}`,
    type: nonEmpty(message.properties.type) ?? typeInBody(message.content),
    headers: toJsonObject(rawHeaders),
    properties: toJsonObject(properties),
    body: message.content,
    errorCode: nonEmpty(rawHeaders[Headers.errorCode]) ?? (death ? `BROKER_${death.reason.toUpperCase()}` : 'UNKNOWN'),
    errorMessage:
      nonEmpty(rawHeaders[Headers.errorMessage]) ??
      (death ? `RabbitMQ dead-lettered the message (${death.reason})` : 'The message carried no failure headers'),
    attempts: positiveInt(rawHeaders[Headers.attempts]) ?? positiveInt(rawHeaders['x-delivery-count']) ?? 1,
    firstFailedAt: earliest(isoOrUndefined(rawHeaders[Headers.firstFailedAt]) ?? lastFailedAt, lastFailedAt),
    lastFailedAt,
  };
}

const nonEmpty = (value: unknown): string | undefined => {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : undefined;
  return text && text.length > 0 ? text : undefined;
};

const positiveInt = (value: unknown): number | undefined => {
  const number = Number(value);
  return value !== undefined && value !== null && Number.isSafeInteger(number) && number > 0 ? number : undefined;
};

function isoOrUndefined(value: unknown): string | undefined {
  const text = nonEmpty(value);
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const earliest = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);

function typeInBody(content: Buffer): string | null {
  try {
    const body: unknown = JSON.parse(content.toString('utf8'));
    const type = (body as { type?: unknown } | null)?.type;
    return typeof type === 'string' && type.length > 0 ? type : null;
  } catch {
    return null;
  }
}

function firstDeath(value: unknown): { reason: string; time?: string } | undefined {
  const entry = Array.isArray(value) ? (value[0] as Record<string, unknown> | undefined) : undefined;
  if (!entry) return undefined;
  const reason = nonEmpty(entry.reason) ?? 'unknown';
  // AMQP timestamps arrive as seconds since the epoch.
  const seconds = typeof entry.time === 'number' ? entry.time : undefined;
  return { reason, time: seconds === undefined ? undefined : new Date(seconds * 1000).toISOString() };
}
