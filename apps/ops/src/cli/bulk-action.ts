import { Presets, SingleBar } from 'cli-progress';
import { OpsClient } from './ops-client';

export type BulkAction = 'replay' | 'archive';

export interface DeadLetterQuery {
  queue?: string;
  type?: string;
  code?: string;
}

export interface BulkTotals {
  requested: number;
  done: number;
  skipped: { id: number; reason: string }[];
  failed: { id: number; reason: string }[];
}

interface ChunkAnswer {
  requested: number;
  replayed?: number;
  archived?: number;
  skipped: { id: number; reason: string }[];
  failed?: { id: number; reason: string }[];
}

/** Every dead letter matching `query` right now, oldest first, read page by page. */
export async function collectDeadIds(client: OpsClient, query: DeadLetterQuery): Promise<number[]> {
  const ids: number[] = [];
  let after = 0;
  for (;;) {
    const page = await client.get<{ items: { id: number }[]; nextAfter: number | null }>('/dead-letters', {
      ...query,
      status: 'dead',
      limit: 1000,
      after,
    });
    ids.push(...page.items.map((item) => item.id));
    if (page.nextAfter === null) return ids;
    after = page.nextAfter;
  }
}

/** A progress bar on stderr; when stderr is not a terminal it prints a line every half second. */
export function progressBar(action: BulkAction, stream: NodeJS.WriteStream = process.stderr): SingleBar {
  return new SingleBar(
    {
      format: `${action === 'replay' ? 'Replaying' : 'Archiving'} |{bar}| {value}/{total} dead letters | {percentage}% | ETA {eta_formatted}`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 500,
      hideCursor: stream.isTTY === true,
    },
    Presets.shades_classic,
  );
}

/**
 * Applies `action` to `ids` one chunk per request, so the bar moves as the server confirms each
 * chunk. A chunk that fails as a whole (Ops unreachable) stops the run: what was done stays done.
 */
export async function runBulk(
  client: OpsClient,
  action: BulkAction,
  ids: readonly number[],
  chunk: number,
  bar?: SingleBar,
): Promise<BulkTotals> {
  const totals: BulkTotals = { requested: 0, done: 0, skipped: [], failed: [] };
  bar?.start(ids.length, 0);
  try {
    for (let start = 0; start < ids.length; start += chunk) {
      const answer = await client.post<ChunkAnswer>(`/dead-letters/${action}`, { ids: ids.slice(start, start + chunk) });
      totals.requested += answer.requested;
      totals.done += answer.replayed ?? answer.archived ?? 0;
      totals.skipped.push(...answer.skipped);
      totals.failed.push(...(answer.failed ?? []));
      bar?.update(Math.min(ids.length, start + chunk));
    }
  } finally {
    bar?.stop();
  }
  return totals;
}

export interface DryRunPlan {
  dryRun: true;
  requested: number;
  wouldReplay: number;
  groups: { queue: string; type: string | null; code: string; count: number }[];
}

/** What replaying `ids` would send, asked chunk by chunk (the server takes at most 1,000 ids a request) and summed per group. */
export async function dryRunReplay(client: OpsClient, ids: readonly number[], chunk = 1_000): Promise<DryRunPlan> {
  const plan: DryRunPlan = { dryRun: true, requested: 0, wouldReplay: 0, groups: [] };
  const groups = new Map<string, DryRunPlan['groups'][number]>();
  for (let start = 0; start < ids.length; start += chunk) {
    const answer = await client.post<DryRunPlan>('/dead-letters/replay/dry-run', { ids: ids.slice(start, start + chunk) });
    plan.requested += answer.requested;
    plan.wouldReplay += answer.wouldReplay;
    for (const group of answer.groups) {
      const key = JSON.stringify([group.queue, group.type, group.code]);
      const known = groups.get(key);
      if (known) known.count += group.count;
      else groups.set(key, { ...group });
    }
  }
  plan.groups = [...groups.values()].sort((a, b) => b.count - a.count);
  return plan;
}
