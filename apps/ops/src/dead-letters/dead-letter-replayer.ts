import { AmqpConnection, ConfirmPublisher, REPLAY_EXCHANGE } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deadLetterActions } from './dead-letter.metrics';
import { DeadLetterFilter, DeadLetterRepository, LockedDeadLetter } from './dead-letter.repository';
import { Headers } from '@app/contracts';
import { toReplayMessage } from './domain/replay-message';
import { replayOrder } from './domain/replay-order';

export interface BulkOutcome {
  requested: number;
  /** How many the action applied to. */
  done: number;
  /** Ids left alone because they are unknown or no longer dead. */
  skipped: { id: number; reason: string }[];
  /** Ids the broker did not take; they stay dead. */
  failed: { id: number; reason: string }[];
}

/** Dead letters claimed, published and settled together. */
export const REPLAY_CHUNK = 500;

/** A claim older than this was cut short by a crash: no chunk takes this long to publish. */
const STALE_CLAIM_SECONDS = 300;

const emptyOutcome = (): BulkOutcome => ({ requested: 0, done: 0, skipped: [], failed: [] });

/**
 * Replays dead letters into their original queues. Each chunk's rows are claimed (marked replayed),
 * then published with publisher confirms (same bytes, same message id, so a consumer's inbox
 * absorbs a message that did get through before), with no row lock held meanwhile. If the message
 * fails again, the drain finds the row and turns it back to `dead`. A dead letter that blocks a
 * stream brings the dead letters parked behind it along, right after it, in version order.
 */
export class DeadLetterReplayer {
  private readonly logger = new Logger('DeadLetterReplayer');
  private readonly publishers = new Map<string, ConfirmPublisher>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly repository: DeadLetterRepository,
  ) {}

  /**
   * Replays the given dead letters, with those parked behind them, chunk by chunk. Those in `skip`
   * are marked for the consumer to count as applied without running its handler: the way past a
   * blocker that can never apply.
   */
  async replay(ids: readonly number[], actor: string, skip: readonly number[] = []): Promise<BulkOutcome> {
    await this.releaseStaleClaims();
    const followers = await this.repository.parkedFollowers(this.dataSource.manager, [...new Set(ids)]);
    const ordered = replayOrder(ids, followers);
    const outcome = emptyOutcome();
    for (let start = 0; start < ordered.length; start += REPLAY_CHUNK) {
      merge(outcome, await this.replayChunk(ordered.slice(start, start + REPLAY_CHUNK), actor, new Set(skip)));
    }
    return outcome;
  }

  /** Replays every dead letter matching `filter` at the time of the call. */
  async replayMatching(filter: DeadLetterFilter, actor: string): Promise<BulkOutcome> {
    const ids = await this.repository.ids(this.dataSource.manager, { ...filter, status: 'dead' });
    return this.replay(ids, actor);
  }

  async close(): Promise<void> {
    await Promise.all([...this.publishers.values()].map((publisher) => publisher.close()));
    this.publishers.clear();
  }

  /**
   * Claims the chunk in one short transaction, publishes with confirms holding no lock and no
   * transaction, then settles: confirmed claims are recorded, failed ones turn back to `dead`.
   */
  private async replayChunk(ids: number[], actor: string, skip: ReadonlySet<number>): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { ...emptyOutcome(), requested: ids.length };
    const claimed = await this.dataSource.transaction((manager) => this.repository.claimDead(manager, ids, actor));
    const published: number[] = [];
    for (const [queue, rows] of byQueue(claimed, ids)) {
      try {
        await this.publish(
          queue,
          rows.map((row) => withSkip(toReplayMessage(row, row.replayCount), skip.has(row.id))),
        );
        published.push(...rows.map((row) => row.id));
        deadLetterActions.replayed(queue, rows.filter((row) => !skip.has(row.id)).length);
      } catch (error) {
        const reason = (error as Error).message;
        this.logger.warn(`replay of ${rows.length} dead letter(s) to ${queue} failed: ${reason}`);
        outcome.failed.push(...rows.map((row) => ({ id: row.id, reason })));
      }
    }
    // Were this to fail, the claims would be released as stale later and the rows replayed again;
    // safe, as each message keeps its id.
    await this.dataSource.transaction(async (manager) => {
      await this.repository.releaseClaims(manager, { ids: outcome.failed.map((failure) => failure.id) });
      await this.repository.confirmReplayed(
        manager,
        published.filter((id) => !skip.has(id)),
        actor,
      );
      await this.repository.confirmReplayed(
        manager,
        published.filter((id) => skip.has(id)),
        actor,
        'skip',
      );
      outcome.done = published.length;
      const claimedIds = new Set(claimed.map((row) => row.id));
      const others = ids.filter((id) => !claimedIds.has(id));
      if (others.length > 0) {
        const statuses = await this.repository.statuses(manager, others);
        for (const id of others) {
          const status = statuses.get(id);
          outcome.skipped.push({ id, reason: status ? `already ${status}` : 'not found' });
        }
      }
    });
    if (published.length > 0) this.logger.log(`${actor} replayed ${published.length} dead letter(s)`);
    return outcome;
  }

  /** Turns back to `dead` the claims a crash left unconfirmed for longer than any publish takes. */
  async releaseStaleClaims(olderThanSeconds = STALE_CLAIM_SECONDS): Promise<number> {
    const released = await this.repository.releaseClaims(this.dataSource.manager, { olderThanSeconds });
    if (released > 0) this.logger.warn(`${released} replay(s) cut short before their confirm are dead again`);
    return released;
  }

  /** Publishes with confirms; a seam for specs that need to look while a replay awaits the broker. */
  protected publish(queue: string, messages: ReturnType<typeof toReplayMessage>[]): Promise<void> {
    return this.publisherFor(queue).publish(queue, messages);
  }

  private publisherFor(queue: string): ConfirmPublisher {
    let publisher = this.publishers.get(queue);
    if (!publisher) {
      publisher = new ConfirmPublisher(this.connection, undefined, REPLAY_EXCHANGE);
      this.publishers.set(queue, publisher);
    }
    return publisher;
  }
}

const withSkip = (message: ReturnType<typeof toReplayMessage>, skip: boolean) =>
  skip ? { ...message, options: { ...message.options, headers: { ...message.options.headers, [Headers.skip]: true } } } : message;

/** Rows grouped by original queue, each group in the replay's order (`order`: ids). */
function byQueue(rows: readonly LockedDeadLetter[], order: readonly number[]): Map<string, LockedDeadLetter[]> {
  const position = new Map(order.map((id, index) => [id, index]));
  const groups = new Map<string, LockedDeadLetter[]>();
  for (const row of [...rows].sort((a, b) => position.get(a.id)! - position.get(b.id)!)) {
    const group = groups.get(row.queue) ?? [];
    group.push(row);
    groups.set(row.queue, group);
  }
  return groups;
}

function merge(total: BulkOutcome, part: BulkOutcome): void {
  total.requested += part.requested;
  total.done += part.done;
  total.skipped.push(...part.skipped);
  total.failed.push(...part.failed);
}
