import { AmqpConnection, ConfirmPublisher, REPLAY_EXCHANGE } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeadLetterFilter, DeadLetterRepository, LockedDeadLetter } from './dead-letter.repository';
import { toReplayMessage } from './domain/replay-message';

export interface BulkOutcome {
  requested: number;
  /** How many the action applied to. */
  done: number;
  /** Ids left alone because they are unknown or no longer dead. */
  skipped: { id: number; reason: string }[];
  /** Ids the broker did not take; they stay dead. */
  failed: { id: number; reason: string }[];
}

/** Dead letters handled per transaction: bounds how long rows stay locked while the broker confirms. */
export const REPLAY_CHUNK = 500;

const emptyOutcome = (): BulkOutcome => ({ requested: 0, done: 0, skipped: [], failed: [] });

/**
 * Replays dead letters into their original queues. Each chunk's rows are locked, published with
 * publisher confirms (same bytes, same message id, so a consumer's inbox absorbs a message that
 * did get through before), and marked replayed in the same transaction. If the message fails
 * again, the drain finds the row and turns it back to `dead`.
 */
export class DeadLetterReplayer {
  private readonly logger = new Logger('DeadLetterReplayer');
  private readonly publishers = new Map<string, ConfirmPublisher>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly repository: DeadLetterRepository,
  ) {}

  /** Replays the given dead letters, chunk by chunk. */
  async replay(ids: readonly number[], actor: string): Promise<BulkOutcome> {
    const unique = [...new Set(ids)];
    const outcome = emptyOutcome();
    for (let start = 0; start < unique.length; start += REPLAY_CHUNK) {
      merge(outcome, await this.replayChunk(unique.slice(start, start + REPLAY_CHUNK), actor));
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

  private replayChunk(ids: number[], actor: string): Promise<BulkOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const outcome: BulkOutcome = { ...emptyOutcome(), requested: ids.length };
      const locked = await this.repository.lockDead(manager, ids);
      const published: number[] = [];
      for (const [queue, rows] of byQueue(locked)) {
        try {
          await this.publisherFor(queue).publish(queue, rows.map((row) => toReplayMessage(row)));
          published.push(...rows.map((row) => row.id));
        } catch (error) {
          const reason = (error as Error).message;
          this.logger.warn(`replay of ${rows.length} dead letter(s) to ${queue} failed: ${reason}`);
          outcome.failed.push(...rows.map((row) => ({ id: row.id, reason })));
        }
      }
      // Were this commit to fail, the rows would stay dead although published; replaying them
      // again is safe, as each message keeps its id.
      await this.repository.markReplayed(manager, published, actor);
      outcome.done = published.length;
      const lockedIds = new Set(locked.map((row) => row.id));
      const others = ids.filter((id) => !lockedIds.has(id));
      if (others.length > 0) {
        const statuses = await this.repository.statuses(manager, others);
        for (const id of others) {
          const status = statuses.get(id);
          outcome.skipped.push({ id, reason: status ? `already ${status}` : 'not found' });
        }
      }
      if (published.length > 0) this.logger.log(`${actor} replayed ${published.length} dead letter(s)`);
      return outcome;
    });
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

/** Rows grouped by original queue, each group in arrival (id) order. */
function byQueue(rows: readonly LockedDeadLetter[]): Map<string, LockedDeadLetter[]> {
  const groups = new Map<string, LockedDeadLetter[]>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
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
