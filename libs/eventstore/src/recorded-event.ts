import { EventMetadata } from '@app/contracts';
import { Message } from '@app/domain';

/** An event about to be appended. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
  schemaVersion?: number;
  /** Supplied when the caller needs a deterministic id; a random UUID otherwise. */
  eventId?: string;
}

/** An event as stored in a service's event table. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** The recorded form of each member of an event union: `RecordedOf<AccountEvent>` narrows on `type`. */
export type RecordedOf<E extends Message> = RecordedEvent & E;

export interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  globalPosition: String(row.global_position),
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});
