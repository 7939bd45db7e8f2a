import { DomainError } from '@app/domain';
import { ProblemException } from '@app/platform';
import { DataSource } from 'typeorm';
import { DeadLetterReplayer } from './dead-letter-replayer';
import { DeadLetterFilter, DeadLetterRepository, DeadLetterStatus } from './dead-letter.repository';
import { toDeadLetterView } from './http/dead-letter.view';

export type DeadLetterSelection = { ids: number[] } | { filter: DeadLetterFilter };

const notFound = (id: number) => new DomainError('not-found', 'DEAD_LETTER_NOT_FOUND', `Dead letter ${id} does not exist`);

/** The operator's dead-letter tools: look, replay, archive. */
export class DeadLettersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DeadLetterRepository,
    private readonly replayer: DeadLetterReplayer,
  ) {}

  async list(filter: DeadLetterFilter, page: { after: number; limit: number }) {
    const { items, total } = await this.repository.list(this.dataSource.manager, filter, page);
    const nextAfter = items.length === page.limit ? items[items.length - 1].id : null;
    return { items, total, nextAfter };
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
        `Dead letter ${id} is ${skippedReason}; only dead ones can be replayed or archived`,
      );
    }
  }
}
