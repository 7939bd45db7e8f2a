/**
 * The order a replay publishes dead letters in: the requested ones oldest first, each blocker
 * followed by the dead letters parked behind it in their stream's version order, so that the
 * consumer applies the blocker (which releases its stream) before them. A follower requested too
 * is published once, after its blocker.
 */
export function replayOrder(requested: readonly number[], followersOf: ReadonlyMap<number, readonly number[]>): number[] {
  const following = new Set([...followersOf.values()].flat());
  const order: number[] = [];
  const seen = new Set<number>();
  const add = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    order.push(id);
  };
  const sorted = [...new Set(requested)].sort((a, b) => a - b);
  for (const id of sorted) {
    // A requested follower waits for its blocker when that is requested too.
    if (following.has(id) && sorted.some((blocker) => followersOf.get(blocker)?.includes(id))) continue;
    add(id);
    for (const follower of followersOf.get(id) ?? []) add(follower);
  }
  return order;
}
