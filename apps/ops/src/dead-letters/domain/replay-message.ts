import { Headers } from '@app/contracts';
import { Json } from './json-value';

/**
 * Headers that describe a past failure. A replay drops them so the consumer counts its retries
 * afresh; `x-first-failed-at` stays, so a renewed failure still tells when trouble began.
 */
const FAILURE_HEADERS = new Set<string>([
  Headers.originalQueue,
  Headers.attempts,
  Headers.lastFailedAt,
  Headers.errorCode,
  Headers.errorMessage,
  Headers.parkedBehind,
  Headers.skip,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
]);

/**
 * Which replay of its dead letter a message is. The consumer keeps it when the message fails
 * again, so the drain knows the failure is new even when its consumer's clock says it is older.
 */
export const REPLAY_NUMBER_HEADER = Headers.replayNumber;

export interface ReplayableDeadLetter {
  messageId: string;
  headers: Record<string, Json>;
  properties: Record<string, Json>;
  body: Buffer;
}

export interface ReplayMessage {
  content: Buffer;
  options: {
    messageId: string;
    type?: string;
    contentType?: string;
    contentEncoding?: string;
    correlationId?: string;
    appId?: string;
    timestamp?: number;
    headers: Record<string, Json>;
  };
}

const text = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The message the `replayNumber`-th replay publishes: the same bytes and message id, without the
 * failure headers, marked with its replay number.
 */
export function toReplayMessage(deadLetter: ReplayableDeadLetter, replayNumber = 1): ReplayMessage {
  const headers: Record<string, Json> = {};
  for (const [name, value] of Object.entries(deadLetter.headers)) {
    if (!FAILURE_HEADERS.has(name)) headers[name] = value;
  }
  headers[REPLAY_NUMBER_HEADER] = replayNumber;
  const { properties } = deadLetter;
  const options: ReplayMessage['options'] = { messageId: deadLetter.messageId, headers };
  const optional = {
    type: text(properties.type),
    contentType: text(properties.contentType),
    contentEncoding: text(properties.contentEncoding),
    correlationId: text(properties.correlationId),
    appId: text(properties.appId),
    timestamp: typeof properties.timestamp === 'number' ? properties.timestamp : undefined,
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [name]: value });
  }
  return { content: deadLetter.body, options };
}
