import { Client } from 'pg';

/** One look at a consumer's read model against its producer's stream. */
export interface LagSample {
  atMs: number;
  produced: number;
  applied: number;
  /** Seconds since the oldest event not yet applied was committed (0 when caught up). */
  behindSeconds: number;
}

export interface LagFigures {
  /** The largest lag while the load ran, in events and in seconds. */
  maxEvents: number;
  maxSeconds: number;
  /** The lag when the load ended. */
  atEndEvents: number;
  /** From the end of the load until the read model held the stream's last event; undefined if it never did. */
  caughtUpMs: number | undefined;
  /** Events applied per second while the consumer was behind (its own pace, not the producer's). */
  applyRate: number;
  /** Whether the lag in the load's last quarter stayed below its largest in the first three: bounded, not growing. */
  bounded: boolean;
}

/**
 * Follows how far Account's own read model (`account.account_view`, fed by `account.account-events`)
 * is behind one account's stream while `load` runs and after it, every `everyMs`. Two indexed reads
 * per sample, so watching costs the database little.
 */
export async function watchLag<T>(
  db: Client,
  accountId: string,
  load: () => Promise<T>,
  { everyMs = 100, afterMs = 60_000 } = {},
): Promise<{ result: T; figures: LagFigures }> {
  const sample = async (startedAt: number): Promise<LagSample> => {
    const { rows } = await db.query<{ produced: number; applied: number; behindSeconds: number }>(
      `SELECT coalesce((SELECT max(stream_version) FROM account.events WHERE stream_id = $1), 0) AS produced,
              coalesce((SELECT version FROM account.account_view WHERE id = $2), 0) AS applied,
              coalesce(extract(epoch FROM now() - (SELECT min(recorded_at) FROM account.events
                 WHERE stream_id = $1 AND stream_version > coalesce((SELECT version FROM account.account_view WHERE id = $2), 0))), 0)::float8 AS "behindSeconds"`,
      [`account-${accountId}`, accountId],
    );
    return { atMs: Date.now() - startedAt, ...rows[0] };
  };
  const startedAt = Date.now();
  const during: LagSample[] = [];
  let running = true;
  const watcher = (async () => {
    while (running) {
      during.push(await sample(startedAt));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  const result = await load();
  running = false;
  await watcher;
  const endedAt = Date.now() - startedAt;
  const atEnd = await sample(startedAt);
  const after: LagSample[] = [atEnd];
  while (after.at(-1)!.applied < after.at(-1)!.produced && Date.now() - startedAt - endedAt < afterMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    after.push(await sample(startedAt));
  }
  const last = after.at(-1)!;
  const all = [...during, ...after];
  const lagOf = (s: LagSample) => s.produced - s.applied;
  let appliedWhileBehind = 0;
  let msBehind = 0;
  for (let i = 1; i < all.length; i++) {
    if (lagOf(all[i - 1]) <= 0) continue;
    appliedWhileBehind += all[i].applied - all[i - 1].applied;
    msBehind += all[i].atMs - all[i - 1].atMs;
  }
  const cut = Math.floor(during.length * 0.75);
  const early = Math.max(0, ...during.slice(0, cut).map(lagOf));
  const late = Math.max(0, ...during.slice(cut).map(lagOf));
  return {
    result,
    figures: {
      maxEvents: Math.max(0, ...during.map(lagOf)),
      maxSeconds: Math.max(0, ...during.map((s) => s.behindSeconds)),
      atEndEvents: lagOf(atEnd),
      caughtUpMs: last.applied >= last.produced ? last.atMs - endedAt : undefined,
      applyRate: msBehind > 0 ? appliedWhileBehind / (msBehind / 1_000) : NaN,
      bounded: late <= Math.max(early, 64),
    },
  };
}
