import { MigrationInterface, QueryRunner } from 'typeorm';
import { checkoutLeaseDdl } from '../checkouts/unfinished/checkout-leases';

/** Rows tracked before have epoch 0 and no lease: the first driver to come takes them. */
export class CheckoutLease1764000000500 implements MigrationInterface {
  name = 'CheckoutLease1764000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of checkoutLeaseDdl('checkout')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER checkout_step_within_lease ON checkout.events');
    await queryRunner.query('DROP FUNCTION checkout.checkout_step_within_lease()');
    await queryRunner.query('ALTER TABLE checkout.unfinished_checkouts DROP COLUMN lease_epoch, DROP COLUMN lease_until');
  }
}
