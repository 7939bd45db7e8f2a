import { EntityManager } from 'typeorm';

/** Operator actions that are not about one dead letter (subscription pause, resume, rewind). */
export class OperatorActionsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${schema}".operator_actions`;
  }

  async record(manager: EntityManager, action: { actor: string; action: string; target: string; detail?: object }) {
    await manager.query(`INSERT INTO ${this.table} (actor, action, target, detail) VALUES ($1, $2, $3, $4::jsonb)`, [
      action.actor,
      action.action,
      action.target,
      JSON.stringify(action.detail ?? {}),
    ]);
  }
}
