import { EntityManager } from 'typeorm';
import { RESOLVED_STATUSES } from '../dead-letters/dead-letter.repository';

/** The deletes of the retention job, in batches so that no purge holds many locks or a long transaction. */
export class RetentionRepository {
  private readonly deadLetters: string;
  private readonly actions: string;

  constructor(schema: string) {
    this.deadLetters = `"${schema}".dead_letters`;
    this.actions = `"${schema}".operator_actions`;
  }

  /**
   * Deletes up to `batch` resolved dead letters (replayed, archived or superseded) last changed
   * more than `days` ago; answers how many. Never a `dead` one, nor a replay claim still awaiting
   * its confirm, nor an original whose edited copy is still dead (the operator may need its body
   * again). Their operator actions stay, under the audit's own retention (the reference turns NULL).
   */
  async purgeResolvedDeadLetters(manager: EntityManager, days: number, batch: number): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH purged AS (
         DELETE FROM ${this.deadLetters} WHERE id IN (
           SELECT d.id FROM ${this.deadLetters} d
            WHERE d.status = ANY($1::text[]) AND d.replay_claimed_at IS NULL AND d.updated_at < now() - make_interval(days => $2)
              AND NOT EXISTS (SELECT 1 FROM ${this.deadLetters} e WHERE e.edit_of = d.id AND e.status = 'dead')
            ORDER BY d.updated_at LIMIT $3)
         RETURNING id)
       SELECT id FROM purged`,
      [RESOLVED_STATUSES, days, batch],
    );
    return rows.length;
  }

  /** Deletes up to `batch` operator actions taken more than `days` ago; answers how many. */
  async purgeOperatorActions(manager: EntityManager, days: number, batch: number): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH purged AS (
         DELETE FROM ${this.actions} WHERE id IN (
           SELECT id FROM ${this.actions} WHERE at < now() - make_interval(days => $1) ORDER BY at LIMIT $2)
         RETURNING id)
       SELECT id FROM purged`,
      [days, batch],
    );
    return rows.length;
  }
}
