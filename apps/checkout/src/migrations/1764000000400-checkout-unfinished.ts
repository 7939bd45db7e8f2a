import { MigrationInterface, QueryRunner } from 'typeorm';
import { unfinishedCheckoutsDdl } from '../checkouts/unfinished/unfinished-checkouts.repository';

export class CheckoutUnfinished1764000000400 implements MigrationInterface {
  name = 'CheckoutUnfinished1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of unfinishedCheckoutsDdl('checkout')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE checkout.unfinished_checkouts');
  }
}
