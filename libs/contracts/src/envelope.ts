/** Correlation data that travels with every event. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** The W3C trace context the event was appended in; the relay's publish continues that trace. */
  traceparent?: string;
  [key: string]: unknown;
}

/** The body of every message on a consumer queue (docs/architecture.md#queues-and-messages). */
export interface EventEnvelope<Data = Record<string, unknown>> {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  /** A bigint, carried as a decimal string so JSON never rounds it. */
  globalPosition: string;
  occurredAt: string;
  data: Data;
  metadata: EventMetadata;
}

/** AMQP header names, part of the public contract. */
export const Headers = {
  producer: 'x-producer',
  streamId: 'x-stream-id',
  streamVersion: 'x-stream-version',
  /** The version of the previous event of this stream sent to the same queue (0 if none). */
  previousStreamVersion: 'x-previous-stream-version',
  globalPosition: 'x-global-position',
  /** The producer transaction (xid8, decimal) that appended the event. */
  transactionId: 'x-transaction-id',
  /**
   * The event's place (1-based) among the events of its stream that one append (producer
   * transaction) sent to this queue, and how many there are: a consumer applies them together.
   */
  appendIndex: 'x-append-index',
  appendCount: 'x-append-count',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  schemaVersion: 'x-schema-version',
  originalQueue: 'x-original-queue',
  attempts: 'x-attempts',
  firstFailedAt: 'x-first-failed-at',
  lastFailedAt: 'x-last-failed-at',
  errorCode: 'x-error-code',
  errorMessage: 'x-error-message',
  /** Set on a control message that tells a consumer to rebuild its read models from scratch. */
  control: 'x-control',
  /** On a dead letter parked behind an earlier one of its stream: the event id of that blocker. */
  parkedBehind: 'x-parked-behind',
  /** Set by an operator's skip: the consumer counts the event as applied without running its handler. */
  skip: 'x-skip',
  /** Set by an operator's replay: which replay of its dead letter a message is. */
  replayNumber: 'x-replay-number',
  /** On a GAP_TIMEOUT dead letter: the stream version that never arrived. */
  missingStreamVersion: 'x-missing-stream-version',
  /**
   * The W3C trace context (https://www.w3.org/TR/trace-context/) of the relay's publish that sent
   * an event, when the producer traces; the consumer's apply continues that trace. W3C's own name,
   * without the `x-` of the platform's headers, so any OpenTelemetry AMQP instrumentation reads it.
   */
  traceparent: 'traceparent',
} as const;

/** The same header as `Headers.traceparent`, under the name the relay and consumer were written against. */
export const TraceparentHeader = Headers.traceparent;

/** Control message types the relay can put on a queue besides events. */
export const ControlTypes = {
  /** The subscription was rewound to position 0: the consumer drops what it built and rebuilds. */
  rebuild: '$rebuild',
} as const;
