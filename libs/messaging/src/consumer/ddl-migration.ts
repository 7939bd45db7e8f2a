import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consumer's migration that runs `up` statements in order and `down` ones to undo them. `name` is
 * what the migrations table records (its timestamp last, which TypeORM orders by): history, so a
 * migration made with it keeps its name and its statements for good.
 */
export function ddlMigration(name: string, up: readonly string[], down: readonly string[]): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of up) await queryRunner.query(statement);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of down) await queryRunner.query(statement);
    }
  };
}
