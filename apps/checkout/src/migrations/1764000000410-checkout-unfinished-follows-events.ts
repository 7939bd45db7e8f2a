import { MigrationInterface, QueryRunner } from 'typeorm';
import { unfinishedFollowsEventsDdl } from '../checkouts/unfinished/unfinished-checkouts.repository';

/** Rows tracked by the earlier version stay: their checkouts' final events remove them like any other. */
export class CheckoutUnfinishedFollowsEvents1764000000410 implements MigrationInterface {
  name = 'CheckoutUnfinishedFollowsEvents1764000000410';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of unfinishedFollowsEventsDdl('checkout')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER unfinished_checkouts_follow_events ON checkout.events');
    await queryRunner.query('DROP FUNCTION checkout.unfinished_checkouts_follow_events()');
  }
}
