import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventRow, NewEvent, RecordedEvent, toRecordedEvent } from './recorded-event';

/** Another writer appended to the stream first; reload and decide again. */
export class WrongExpectedVersionError extends Error {
  constructor(readonly streamId: string, readonly expectedVersion: number) {
    super(`Stream ${streamId} is no longer at version ${expectedVersion}`);
    this.name = 'WrongExpectedVersionError';
  }
}

const UNIQUE_VIOLATION = '23505';
const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';

/** Appends to and reads from one service's event table. */
export class EventStore {
  private readonly table: string;

  constructor(readonly schema: string) {
    this.table = `"${schema}".events`;
  }

  /**
   * Appends events after `expectedVersion` (0 for a new stream) inside the caller's transaction.
   * The unique (stream_id, stream_version) makes a concurrent append fail instead of interleave.
   */
  async append(
    manager: EntityManager,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): Promise<RecordedEvent[]> {
    if (events.length === 0) return [];
    const ids = events.map((e) => e.eventId ?? randomUUID());
    try {
      const rows: EventRow[] = await manager.query(
        `INSERT INTO ${this.table} (event_id, stream_id, stream_version, type, schema_version, data, metadata)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
         RETURNING global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at`,
        [
          ids,
          events.map(() => streamId),
          events.map((_, i) => expectedVersion + i + 1),
          events.map((e) => e.type),
          events.map((e) => e.schemaVersion ?? 1),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata ?? {})),
        ],
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

  /** Reads a stream's events after `afterVersion`, in version order. */
  async readStream(manager: EntityManager, streamId: string, afterVersion = 0): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at
         FROM ${this.table} WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`,
      [streamId, afterVersion],
    );
    return rows.map(toRecordedEvent);
  }
}
