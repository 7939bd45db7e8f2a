import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  merchantCheckoutsBackfill,
  merchantCheckoutsDdl,
  merchantCheckoutsFollowEventsDdl,
} from '../checkouts/merchant-view/merchant-checkouts.ddl';

/**
 * The merchants' view and list, and per-merchant Idempotency-Keys. The trigger and the backfill run in
 * one transaction, so no checkout started meanwhile is left out; the backfilled rows keep each earlier
 * checkout's key, so its merchant's replay still finds the id it was given from the key alone.
 */
export class CheckoutMerchantView1764000000600 implements MigrationInterface {
  name = 'CheckoutMerchantView1764000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Appends wait (reads do not) until the trigger and the backfill commit together: no start is missed or counted twice.
    await queryRunner.query('LOCK TABLE checkout.events IN SHARE ROW EXCLUSIVE MODE');
    for (const statement of [...merchantCheckoutsDdl('checkout'), ...merchantCheckoutsFollowEventsDdl('checkout')]) {
      await queryRunner.query(statement);
    }
    await queryRunner.query(merchantCheckoutsBackfill('checkout'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER merchant_checkouts_follow_events ON checkout.events');
    await queryRunner.query('DROP FUNCTION checkout.merchant_checkouts_follow_events()');
    await queryRunner.query('DROP TABLE checkout.merchant_checkouts');
  }
}
