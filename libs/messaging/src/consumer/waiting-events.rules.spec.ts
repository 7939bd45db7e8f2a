import {
  DEFAULT_GAP_TIMEOUT_MS,
  drainsAfter,
  endsAppend,
  gapTimedOut,
  gapTimeoutFromEnv,
  inLayers,
  missingVersion,
  readyRun,
} from './waiting-events.rules';

const event = (streamVersion: number, options: { previousVersion?: number; endsAppend?: boolean } = {}) => ({
  streamVersion,
  previousVersion: options.previousVersion ?? streamVersion - 1,
  endsAppend: options.endsAppend ?? true,
});
const versions = (events: readonly { streamVersion: number }[]) => events.map((e) => e.streamVersion);

/** given the stream's applied version and its waiting events, when the gap is looked at, then what is applied now. */
describe('applying the events that waited behind a gap', () => {
  it('applies every event the closed gap now lets through, in version order', () => {
    const waiting = [3, 4, 5, 6].map((v) => event(v));
    expect(versions(readyRun(2, waiting).run)).toEqual([3, 4, 5, 6]);
  });

  it('stops at the next gap', () => {
    const waiting = [3, 4, 6, 7].map((v) => event(v));
    expect(versions(readyRun(2, waiting).run)).toEqual([3, 4]);
  });

  it('applies nothing while the predecessor is still missing', () => {
    expect(readyRun(1, [event(3), event(4)]).run).toEqual([]);
  });

  it('follows the previous-version links of a filtered queue', () => {
    const waiting = [event(4, { previousVersion: 2 }), event(9, { previousVersion: 4 })];
    expect(versions(readyRun(2, waiting).run)).toEqual([4, 9]);
  });

  it('holds back the part of an append whose rest has not arrived', () => {
    const waiting = [event(3), event(4, { endsAppend: false }), event(5, { endsAppend: false })];
    expect(versions(readyRun(2, waiting).run)).toEqual([3]);
  });

  it('applies an append once its last event is in', () => {
    const waiting = [event(3, { endsAppend: false }), event(4, { endsAppend: false }), event(5)];
    expect(versions(readyRun(2, waiting).run)).toEqual([3, 4, 5]);
  });

  it('drops waiting events that are already applied', () => {
    const { run, stale } = readyRun(4, [event(3), event(4), event(5)]);
    expect(versions(stale)).toEqual([3, 4]);
    expect(versions(run)).toEqual([5]);
  });
});

describe('an event ends its append', () => {
  it('when it is the last of its stream its transaction sent, or nothing says otherwise', () => {
    expect(endsAppend(3, 3)).toBe(true);
    expect(endsAppend(1, 3)).toBe(false);
    expect(endsAppend(undefined, undefined)).toBe(true);
  });
});

describe('the version a gap misses', () => {
  it('is the one after the applied version when the first waiting event needs an earlier one', () => {
    expect(missingVersion(1, [event(4), event(5)])).toBe(2);
  });

  it('is the one after the last the chain reaches, past waiting events that only wait for their append', () => {
    expect(missingVersion(2, [event(3, { endsAppend: false }), event(5, { previousVersion: 4 })])).toBe(4);
  });
});

describe('a gap times out', () => {
  it('once its oldest waiting event has waited the timeout, unless the stream is parked', () => {
    expect(gapTimedOut(300_000, 300_000, false)).toBe(true);
    expect(gapTimedOut(299_999, 300_000, false)).toBe(false);
    expect(gapTimedOut(400_000, 300_000, true)).toBe(false);
  });
});

describe('handing drained runs to the handlers', () => {
  it('hands one event per stream per dispatch, each stream in version order', () => {
    expect(inLayers([['a3', 'a4', 'a5'], ['b7'], ['c2', 'c3']])).toEqual([['a3', 'b7', 'c2'], ['a4', 'c3'], ['a5']]);
  });
});

describe('whether admitting a message lets waiting events through', () => {
  it('does when the next event is applied while others wait, or waits itself for the rest of its append', () => {
    expect(drainsAfter({ previousVersion: 2, appliedVersion: 2 }, 'apply', true)).toBe(true);
    expect(drainsAfter({ previousVersion: 2, appliedVersion: 2 }, 'wait', false)).toBe(true);
  });

  it('does when it waits beside others: it may end their append or fill a hole between them', () => {
    expect(drainsAfter({ previousVersion: 3, appliedVersion: 2 }, 'wait', true)).toBe(true);
  });

  it('does not for the first early event, a duplicate, or an applied one with nothing waiting', () => {
    expect(drainsAfter({ previousVersion: 3, appliedVersion: 2 }, 'wait', false)).toBe(false);
    expect(drainsAfter({ previousVersion: 2, appliedVersion: 2 }, 'duplicate', true)).toBe(false);
    expect(drainsAfter({ previousVersion: 2, appliedVersion: 2 }, 'apply', false)).toBe(false);
  });
});

describe('the gap timeout', () => {
  it('is CONSUMER_GAP_TIMEOUT_MS, else five minutes', () => {
    expect(gapTimeoutFromEnv({ CONSUMER_GAP_TIMEOUT_MS: '60000' })).toBe(60_000);
    expect(gapTimeoutFromEnv({})).toBe(DEFAULT_GAP_TIMEOUT_MS);
    expect(DEFAULT_GAP_TIMEOUT_MS).toBe(300_000);
  });

  it('refuses a value that is not a positive whole number of milliseconds', () => {
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      expect(() => gapTimeoutFromEnv({ CONSUMER_GAP_TIMEOUT_MS: bad })).toThrow(/CONSUMER_GAP_TIMEOUT_MS/);
    }
  });
});
