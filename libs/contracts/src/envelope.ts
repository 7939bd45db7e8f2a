/** Correlation data that travels with every event. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
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
} as const;

/** Control message types the relay can put on a queue besides events. */
export const ControlTypes = {
  /** The subscription was rewound to position 0: the consumer drops what it built and rebuilds. */
  rebuild: '$rebuild',
} as const;
