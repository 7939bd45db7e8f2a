/**
 * Parking: once an event of a stream is dead-lettered for good at a consumer (its blocker), the
 * stream's later events go straight to the DLQ behind it, instead of each spending its attempts as
 * out of order. Pure rules here; the table is in stream-parking.ts.
 */

/** The dead-lettered event a stream is parked behind, at one consumer queue. */
export interface StreamPark {
  blockerEventId: string;
  blockerVersion: number;
}

/**
 * `parked`: the stream is parked behind an earlier dead letter, so this one joins it in the DLQ.
 * `wait`: it arrived before its predecessor, or before the rest of its append: it waits in the
 * consumer's `waiting_events`, spending no attempt, and is applied right after them.
 */
export type InboxVerdict = 'apply' | 'duplicate' | 'wait' | 'parked';

/** What the consumer knows of a message when it admits it. */
export interface AdmissionFacts {
  messageId: string;
  streamVersion: number;
  /** The version of the previous event of the stream sent to this queue. */
  previousVersion: number;
  /** Whether the events of its append (its producer transaction) sent to this queue after it are all in hand: true unless it is not the append's last. */
  endsAppend?: boolean;
  /** False when the inbox already holds the message id. */
  fresh: boolean;
  /** The stream's last version applied at this queue (0 for none). */
  appliedVersion: number;
  park?: StreamPark;
}

/** A park whose blocker has been applied (or skipped, or passed by a rewind) no longer holds anything back. */
export const parkHolds = (park: StreamPark | undefined, appliedVersion: number): park is StreamPark =>
  park !== undefined && park.blockerVersion > appliedVersion;

/**
 * Whether a message is applied now, is a duplicate, must wait (for an earlier event still on its
 * way, or for the rest of its append), or is parked behind a dead letter. The blocker itself always
 * passes: it is how a replay releases the stream.
 */
export function admissionVerdict(facts: AdmissionFacts): InboxVerdict {
  const { messageId, streamVersion, previousVersion, fresh, appliedVersion, park } = facts;
  if (!fresh || streamVersion <= appliedVersion) return 'duplicate';
  if (parkHolds(park, appliedVersion) && messageId !== park.blockerEventId && streamVersion > park.blockerVersion) return 'parked';
  return previousVersion > appliedVersion || facts.endsAppend === false ? 'wait' : 'apply';
}

/**
 * Admitting a message at or past its stream's blocker (the blocker replayed or skipped) releases
 * the park: applied now, or waiting for the rest of its append, which comes from the DLQ behind it.
 */
export const releasesPark = (facts: AdmissionFacts, verdict: InboxVerdict): boolean =>
  (verdict === 'apply' || verdict === 'wait') && facts.park !== undefined && facts.streamVersion >= facts.park.blockerVersion;

/**
 * A message failing for good parks its stream behind it, unless the stream is already parked
 * behind an earlier event that still holds: the earliest dead letter is the one to fix first.
 */
export function parkAfterDeadLetter(current: StreamPark | undefined, appliedVersion: number, deadLettered: StreamPark): StreamPark {
  if (parkHolds(current, appliedVersion) && current.blockerVersion < deadLettered.blockerVersion) return current;
  return deadLettered;
}
