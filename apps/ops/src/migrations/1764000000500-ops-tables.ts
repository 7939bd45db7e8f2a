import { MigrationInterface, QueryRunner } from 'typeorm';
import { opsDdl } from './ops-ddl';

export class OpsTables1764000000500 implements MigrationInterface {
  name = 'OpsTables1764000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of opsDdl('ops')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ops.audit_events, ops.operator_actions, ops.dead_letters');
  }
}
