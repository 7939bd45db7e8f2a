import { EventEnvelope } from '@app/contracts';
import { DataSource } from 'typeorm';
import { StreamPark, parkAfterDeadLetter } from './stream-parking.rules';

/**
 * A consumer's `parked_streams`, written on the failure path only: a stream is parked when one of
 * its events is dead-lettered for good, and unparked when that blocker comes back from a replay and
 * is retried, for while it may still pass, its followers may wait for it in `waiting_events`.
 * Releasing a park when the blocker is applied belongs to the inbox (same transaction).
 */
export class StreamParking {
  private readonly parked: string;
  private readonly checkpoints: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.parked = `"${schema}".parked_streams`;
    this.checkpoints = `"${schema}".stream_checkpoints`;
  }

  /** Parks the event's stream behind it (or keeps an earlier blocker that still holds); answers the blocker. */
  park(queue: string, envelope: EventEnvelope): Promise<StreamPark> {
    return this.dataSource.transaction(async (manager) => {
      // Events of one stream are handled one at a time (StreamOrdering, a single active consumer).
      const [row]: { blocker: string | null; blockerVersion: number | null; applied: number | null }[] = await manager.query(
        `SELECT (SELECT blocker_event_id FROM ${this.parked} WHERE queue = $1 AND stream_id = $2) AS blocker,
                (SELECT blocker_version FROM ${this.parked} WHERE queue = $1 AND stream_id = $2) AS "blockerVersion",
                (SELECT version FROM ${this.checkpoints} WHERE queue = $1 AND stream_id = $2) AS applied`,
        [queue, envelope.streamId],
      );
      const current = row.blocker ? { blockerEventId: row.blocker, blockerVersion: Number(row.blockerVersion) } : undefined;
      const park = parkAfterDeadLetter(current, Number(row.applied ?? 0), {
        blockerEventId: envelope.eventId,
        blockerVersion: envelope.streamVersion,
      });
      await manager.query(
        `INSERT INTO ${this.parked} (queue, stream_id, blocker_event_id, blocker_version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (queue, stream_id) DO UPDATE
           SET blocker_event_id = excluded.blocker_event_id, blocker_version = excluded.blocker_version, parked_at = now()`,
        [queue, envelope.streamId, park.blockerEventId, park.blockerVersion],
      );
      return park;
    });
  }

  /** Unparks the stream if `envelope` is its blocker: it is being retried, no longer dead-lettered. */
  async lift(queue: string, envelope: EventEnvelope): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.parked} WHERE queue = $1 AND stream_id = $2 AND blocker_event_id = $3`, [
      queue,
      envelope.streamId,
      envelope.eventId,
    ]);
  }
}
