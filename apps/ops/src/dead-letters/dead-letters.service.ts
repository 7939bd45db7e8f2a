import { parseQueueName } from '@app/contracts';
import { DomainError } from '@app/domain';
import { parseEnvelope } from '@app/messaging';
import { ProblemException } from '@app/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeadLetterReplayer } from './dead-letter-replayer';
import { DeadLetterFilter, DeadLetterRepository, DeadLetterStatus } from './dead-letter.repository';
import { decideEdit } from './domain/edit-decision';
import { decodeCursor, encodeCursor } from './domain/page-cursor';
import { replayOrder } from './domain/replay-order';
import { bodyAsText, toDeadLetterView } from './http/dead-letter.view';

export type DeadLetterSelection = { ids: number[] } | { filter: DeadLetterFilter };

const notFound = (id: number) => new DomainError('not-found', 'DEAD_LETTER_NOT_FOUND', `Dead letter ${id} does not exist`);

/** The operator's dead-letter tools: look, replay, archive. */
export class DeadLettersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DeadLetterRepository,
    private readonly replayer: DeadLetterReplayer,
  ) {}

  /** One page of the matching dead letters, oldest first; `cursor` (from the previous page) wins over `after`. */
  async list(filter: DeadLetterFilter, page: { after: number; limit: number; cursor?: string }) {
    const after = page.cursor === undefined ? page.after : decodeCursor(page.cursor);
    if (after === undefined) throw new DomainError('validation', 'INVALID_CURSOR', 'cursor is not one this API handed out');
    const { items, total, more } = await this.repository.list(this.dataSource.manager, filter, { after, limit: page.limit });
    const nextAfter = more ? items[items.length - 1].id : null;
    return { items, total, nextAfter, nextCursor: nextAfter === null ? null : encodeCursor(nextAfter) };
  }

  groups(status: DeadLetterStatus) {
    return this.repository.groups(this.dataSource.manager, status);
  }

  async show(id: number) {
    const detail = await this.repository.find(this.dataSource.manager, id);
    if (!detail) throw notFound(id);
    return toDeadLetterView(detail);
  }

  async replayOne(id: number, actor: string) {
    const outcome = await this.replayer.replay([id], actor);
    if (outcome.failed.length > 0) {
      throw new ProblemException(503, 'BROKER_UNAVAILABLE', `RabbitMQ did not take the replay: ${outcome.failed[0].reason}`);
    }
    this.assertApplied(id, outcome.skipped.find((skipped) => skipped.id === id)?.reason);
    return this.show(id);
  }

  /**
   * Counts one dead letter as applied at its consumer without running its handler, releasing the
   * dead letters parked behind it, which are replayed right after it.
   */
  async skipOne(id: number, actor: string) {
    const outcome = await this.replayer.replay([id], actor, [id]);
    if (outcome.failed.length > 0) {
      throw new ProblemException(503, 'BROKER_UNAVAILABLE', `RabbitMQ did not take the skip: ${outcome.failed[0].reason}`);
    }
    this.assertApplied(id, outcome.skipped.find((skipped) => skipped.id === id)?.reason);
    return this.show(id);
  }

  /** Streams held behind a dead letter at their consumer, with that blocker. */
  parked(queue?: string) {
    return this.repository.parkedStreams(this.dataSource.manager, queue);
  }

  async replay(selection: DeadLetterSelection, actor: string) {
    const outcome =
      'ids' in selection ? await this.replayer.replay(selection.ids, actor) : await this.replayer.replayMatching(selection.filter, actor);
    const { done, ...rest } = outcome;
    return { ...rest, replayed: done };
  }

  /**
   * What a replay of `selection` would send, sending nothing: the dead ones among it with those
   * parked behind them (they follow their blocker), counted per group.
   */
  async replayDryRun(selection: DeadLetterSelection) {
    const manager = this.dataSource.manager;
    const requested =
      'ids' in selection ? [...new Set(selection.ids)] : await this.repository.ids(manager, { ...selection.filter, status: 'dead' });
    const ordered = replayOrder(requested, await this.repository.parkedFollowers(manager, requested));
    const groups = ordered.length > 0 ? await this.repository.groupsOf(manager, ordered) : [];
    const wouldReplay = groups.reduce((sum, group) => sum + group.count, 0);
    return { dryRun: true as const, requested: requested.length, wouldReplay, groups };
  }

  /**
   * Edit and retry: checks the edited body as the consumer will (envelope and the schema of the
   * version it carries), then supersedes the original and stores the edited copy in one atomic
   * step that only a still-dead original passes, then replays the copy. Of two edits and a replay
   * racing for one dead letter, exactly one gets past that step, so exactly one message is sent.
   */
  async editAndRetry(id: number, editedBody: string, actor: string) {
    const original = await this.repository.find(this.dataSource.manager, id);
    if (!original) throw notFound(id);
    if (original.status !== 'dead') this.assertApplied(id, `already ${original.status}`);
    const producer = parseQueueName(original.queue)?.producer ?? '';
    const decision = decideEdit(original, editedBody, (content) => {
      try {
        parseEnvelope(content, producer);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    });
    if (!decision.accepted) throw new DomainError('validation', 'INVALID_EDIT', decision.problems.join('; '));
    const editedId = await this.dataSource.transaction((manager) =>
      this.repository.supersede(manager, id, {
        messageId: randomUUID(),
        body: decision.body,
        actor,
        audit: { originalBody: bodyAsText(original.body), editedBody },
      }),
    );
    if (editedId === undefined) {
      const status = (await this.repository.statuses(this.dataSource.manager, [id])).get(id);
      this.assertApplied(id, status ? `already ${status}` : 'not found');
    }
    const outcome = await this.replayer.replay([editedId!], actor);
    if (outcome.failed.length > 0) {
      throw new ProblemException(
        503,
        'BROKER_UNAVAILABLE',
        `The edit is stored as dead letter ${editedId!}, but RabbitMQ did not take its replay: ${outcome.failed[0].reason}`,
      );
    }
    return { original: await this.show(id), edited: await this.show(editedId!) };
  }

  async archiveOne(id: number, actor: string) {
    const [archived] = await this.dataSource.transaction((manager) => this.repository.archive(manager, [id], actor));
    if (archived === undefined) {
      const status = (await this.repository.statuses(this.dataSource.manager, [id])).get(id);
      this.assertApplied(id, status ? `already ${status}` : 'not found');
    }
    return this.show(id);
  }

  async archive(selection: DeadLetterSelection, actor: string) {
    const ids =
      'ids' in selection
        ? [...new Set(selection.ids)]
        : await this.repository.ids(this.dataSource.manager, { ...selection.filter, status: 'dead' });
    const archived = new Set(await this.dataSource.transaction((manager) => this.repository.archive(manager, ids, actor)));
    const others = ids.filter((id) => !archived.has(id));
    const statuses = others.length > 0 ? await this.repository.statuses(this.dataSource.manager, others) : new Map();
    const skipped = others.map((id) => ({ id, reason: statuses.has(id) ? `already ${statuses.get(id)}` : 'not found' }));
    return { requested: ids.length, archived: archived.size, skipped };
  }

  private assertApplied(id: number, skippedReason: string | undefined): void {
    if (skippedReason === 'not found') throw notFound(id);
    if (skippedReason) {
      throw new DomainError(
        'conflict',
        'DEAD_LETTER_NOT_DEAD',
        `Dead letter ${id} is ${skippedReason}; only dead ones can be replayed, edited or archived`,
      );
    }
  }
}
