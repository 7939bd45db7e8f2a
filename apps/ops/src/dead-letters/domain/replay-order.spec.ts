import { replayOrder } from './replay-order';

/** given the dead letters parked behind each blocker (in version order), when ids are replayed, then the publish order. */
const given = (followersOf: Record<number, number[]>) => ({
  whenReplaying: (requested: number[]) => ({
    then: (expected: number[]) =>
      expect(replayOrder(requested, new Map(Object.entries(followersOf).map(([blocker, ids]) => [Number(blocker), ids])))).toEqual(
        expected,
      ),
  }),
});

describe('the order a replay publishes in', () => {
  it('replays plain dead letters oldest first, once each', () => {
    given({}).whenReplaying([7, 3, 5, 3]).then([3, 5, 7]);
  });

  it('releases a blocker with its parked followers, in their version order, right after it', () => {
    given({ 10: [14, 12, 13] })
      .whenReplaying([10])
      .then([10, 14, 12, 13]);
  });

  it('publishes a follower requested too only once, after its blocker, even when its id is older', () => {
    given({ 10: [4, 12] })
      .whenReplaying([4, 10, 12, 20])
      .then([10, 4, 12, 20]);
  });

  it('replays a follower on its own when its blocker is not part of the replay', () => {
    given({ 10: [12] })
      .whenReplaying([12])
      .then([12]);
  });
});
