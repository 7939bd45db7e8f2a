import { operatorsDdl } from '@app/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named operators (`npm run provision -- --add-operator`), and the outcome of every operator request
 * in the audit: an HTTP status for a request, NULL for a row a request wrote about one dead letter.
 */
export const namedOperatorsDdl = (schema: string): string[] => [
  ...operatorsDdl(schema),
  `ALTER TABLE "${schema}".operator_actions ADD COLUMN IF NOT EXISTS outcome smallint`,
  `CREATE INDEX IF NOT EXISTS operator_actions_requests ON "${schema}".operator_actions (id DESC) WHERE outcome IS NOT NULL`,
];

export class NamedOperators1764000000700 implements MigrationInterface {
  name = 'NamedOperators1764000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of namedOperatorsDdl('ops')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ops.operator_actions_requests');
    await queryRunner.query('ALTER TABLE ops.operator_actions DROP COLUMN outcome');
    await queryRunner.query('DROP TABLE ops.operators');
  }
}
