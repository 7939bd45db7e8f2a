import { AdmissionFacts, StreamPark, admissionVerdict, parkAfterDeadLetter, releasesPark } from './stream-parking.rules';

const blockedAt3: StreamPark = { blockerEventId: 'e-3', blockerVersion: 3 };

/** given the stream's state at the queue, when a message arrives, then its verdict (and whether it releases the park). */
const given = (stream: { appliedVersion: number; park?: StreamPark }) => ({
  when: (message: { messageId: string; streamVersion: number; previousVersion?: number; fresh?: boolean; endsAppend?: boolean }) => {
    const facts: AdmissionFacts = {
      ...stream,
      ...message,
      previousVersion: message.previousVersion ?? message.streamVersion - 1,
      fresh: message.fresh ?? true,
    };
    const verdict = admissionVerdict(facts);
    return {
      then(expected: ReturnType<typeof admissionVerdict>, release: 'releases' | 'keeps' = 'keeps') {
        expect(verdict).toBe(expected);
        expect(releasesPark(facts, verdict)).toBe(release === 'releases');
      },
    };
  },
});

describe('admitting a message to a consumer queue', () => {
  it('applies the next version of a stream that is not parked', () => {
    given({ appliedVersion: 2 }).when({ messageId: 'e-3', streamVersion: 3 }).then('apply');
  });

  it('lets an event wait (no attempt, no retry) for an earlier one still on its way, when nothing is dead-lettered', () => {
    given({ appliedVersion: 1 }).when({ messageId: 'e-4', streamVersion: 4 }).then('wait');
  });

  it('lets an event wait for the rest of its append, even when it is next', () => {
    given({ appliedVersion: 2 }).when({ messageId: 'e-3', streamVersion: 3, endsAppend: false }).then('wait');
    given({ appliedVersion: 2 }).when({ messageId: 'e-3', streamVersion: 3, endsAppend: true }).then('apply');
  });

  it('parks a later event behind the dead-lettered blocker instead of retrying it', () => {
    given({ appliedVersion: 2, park: blockedAt3 }).when({ messageId: 'e-4', streamVersion: 4 }).then('parked');
    given({ appliedVersion: 2, park: blockedAt3 }).when({ messageId: 'e-9', streamVersion: 9, previousVersion: 7 }).then('parked');
  });

  it('still applies an earlier event of a parked stream (the blocker overtook it)', () => {
    given({ appliedVersion: 0, park: blockedAt3 }).when({ messageId: 'e-1', streamVersion: 1 }).then('apply');
  });

  it('applies the replayed blocker, which releases the stream', () => {
    given({ appliedVersion: 2, park: blockedAt3 }).when({ messageId: 'e-3', streamVersion: 3 }).then('apply', 'releases');
  });

  it('lets the replayed blocker wait for an earlier event, releasing the stream so its followers wait beside it', () => {
    given({ appliedVersion: 1, park: blockedAt3 }).when({ messageId: 'e-3', streamVersion: 3 }).then('wait', 'releases');
  });

  it('lets the replayed blocker wait for the rest of its append, which the DLQ holds behind it', () => {
    given({ appliedVersion: 2, park: blockedAt3 }).when({ messageId: 'e-3', streamVersion: 3, endsAppend: false }).then('wait', 'releases');
  });

  it('does not let an earlier event that waits release the park', () => {
    given({ appliedVersion: 0, park: blockedAt3 }).when({ messageId: 'e-2', streamVersion: 2 }).then('wait');
  });

  it('ignores a park whose blocker is already applied (a rewind or a skip passed it) and releases it', () => {
    given({ appliedVersion: 3, park: blockedAt3 }).when({ messageId: 'e-4', streamVersion: 4 }).then('apply', 'releases');
  });

  it('absorbs a duplicate, parked stream or not', () => {
    given({ appliedVersion: 2, park: blockedAt3 }).when({ messageId: 'e-4', streamVersion: 4, fresh: false }).then('duplicate');
    given({ appliedVersion: 5 }).when({ messageId: 'e-5', streamVersion: 5 }).then('duplicate');
  });
});

describe('parking a stream when one of its events is dead-lettered for good', () => {
  const deadLetteredAt = (version: number): StreamPark => ({ blockerEventId: `e-${version}`, blockerVersion: version });

  it('parks a stream that was flowing behind the dead letter', () => {
    expect(parkAfterDeadLetter(undefined, 2, deadLetteredAt(3))).toEqual(deadLetteredAt(3));
  });

  it('keeps an earlier blocker that still holds: that one must be fixed first', () => {
    expect(parkAfterDeadLetter(blockedAt3, 2, deadLetteredAt(5))).toEqual(blockedAt3);
  });

  it('moves the park to an earlier dead letter (an out-of-order event gave up before its predecessor failed)', () => {
    expect(parkAfterDeadLetter(deadLetteredAt(5), 2, blockedAt3)).toEqual(blockedAt3);
  });

  it('replaces a park whose blocker has since been applied', () => {
    expect(parkAfterDeadLetter(blockedAt3, 4, deadLetteredAt(6))).toEqual(deadLetteredAt(6));
  });
});
