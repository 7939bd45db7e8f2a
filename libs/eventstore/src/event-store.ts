import { EventMetadata, currentSchemaVersion } from '@app/contracts';
import { traceparentOf, tracingEnabled } from '@app/tracing';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Message } from '@app/domain';
import { EventRow, NewEvent, RecordedEvent, RecordedOf, toRecordedEvent } from './recorded-event';
import { upcastRecorded } from './upcast-recorded';

/** Another writer appended to the stream first; reload and decide again. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(`Stream ${streamId} is no longer at version ${expectedVersion}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** One event for one stream, expected at `expectedVersion` (0 for a new stream). */
export interface SingleAppend {
  streamId: string;
  expectedVersion: number;
  event: NewEvent;
}

const UNIQUE_VIOLATION = '23505';
const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';

/**
 * An event appended outside the command path (which gives each command's events its own) carries the
 * active trace context, so that the relay's publish of it continues the trace it was written in.
 */
function withTraceparent(metadata: EventMetadata): EventMetadata {
  if (!tracingEnabled() || metadata.traceparent !== undefined) return metadata;
  const traceparent = traceparentOf();
  return traceparent === undefined ? metadata : { ...metadata, traceparent };
}

/** Appends to and reads from one service's event table. */
export class EventStore {
  private readonly table: string;

  /** `producer` names whose event contracts the stored events follow: the service, whose schema it is by default. */
  constructor(
    readonly schema: string,
    readonly producer: string = schema,
  ) {
    this.table = `"${schema}".events`;
  }

  /**
   * Appends events after `expectedVersion` (0 for a new stream) inside the caller's transaction.
   * The unique (stream_id, stream_version) makes a concurrent append fail instead of interleave.
   */
  async append(manager: EntityManager, streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    if (events.length === 0) return [];
    try {
      const rows = await this.insert(
        manager,
        events.map((event, i) => ({ streamId, version: expectedVersion + i + 1, event })),
        false,
      );
      return rows.map(toRecordedEvent).sort((a, b) => a.streamVersion - b.streamVersion);
    } catch (error) {
      const pgError = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
      const code = pgError.driverError?.code ?? pgError.code;
      const constraint = pgError.driverError?.constraint ?? pgError.constraint;
      if (code === UNIQUE_VIOLATION && constraint === STREAM_VERSION_CONSTRAINT) {
        throw new WrongExpectedVersionError(streamId, expectedVersion);
      }
      throw error;
    }
  }

  /**
   * Appends one event to each of several streams in one statement, each append succeeding or
   * failing on its own: a stream another writer got to first answers WrongExpectedVersionError,
   * the others are recorded. One event per stream is what makes this safe, since a stream's part
   * of the statement is then all or nothing.
   */
  async appendEach(manager: EntityManager, appends: readonly SingleAppend[]): Promise<(RecordedEvent | WrongExpectedVersionError)[]> {
    const planned = appends.map(({ streamId, expectedVersion, event }) => ({
      streamId,
      version: expectedVersion + 1,
      event: { ...event, eventId: event.eventId ?? randomUUID() },
    }));
    const recorded = new Map((await this.insert(manager, planned, true)).map((row) => [row.event_id, toRecordedEvent(row)]));
    // PostgreSQL spells a uuid in lower case.
    return planned.map(
      ({ streamId, version, event }) => recorded.get(event.eventId.toLowerCase()) ?? new WrongExpectedVersionError(streamId, version - 1),
    );
  }

  private insert(
    manager: EntityManager,
    rows: readonly { streamId: string; version: number; event: NewEvent }[],
    skipTakenVersions: boolean,
  ): Promise<EventRow[]> {
    return manager.query(
      `INSERT INTO ${this.table} (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
       ${skipTakenVersions ? 'ON CONFLICT (stream_id, stream_version) DO NOTHING' : ''}
       RETURNING global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at`,
      [
        rows.map((r) => r.event.eventId ?? randomUUID()),
        rows.map((r) => r.streamId),
        rows.map((r) => r.version),
        rows.map((r) => r.event.type),
        // An event is written at the version its producer's schema is at today (1 for a type the contracts do not list).
        rows.map((r) => r.event.schemaVersion ?? (currentSchemaVersion(this.producer, r.event.type) || 1)),
        rows.map((r) => JSON.stringify(r.event.data)),
        rows.map((r) => JSON.stringify(withTraceparent(r.event.metadata ?? {}))),
      ],
    );
  }

  /**
   * Reads a stream's events after `afterVersion`, in version order, at most `limit` of them. `E` is
   * the stream's event union: a stream holds only what its decider emitted, so this is the one place
   * a row is taken for one of those events. Older schema versions are upcast to the current one.
   */
  async readStream<E extends Message = Message>(
    manager: EntityManager,
    streamId: string,
    afterVersion = 0,
    limit?: number,
  ): Promise<RecordedOf<E>[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at
         FROM ${this.table} WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version LIMIT $3`,
      [streamId, afterVersion, limit ?? null],
    );
    return rows.map((row) => upcastRecorded(this.producer, toRecordedEvent(row))) as RecordedOf<E>[];
  }
}
