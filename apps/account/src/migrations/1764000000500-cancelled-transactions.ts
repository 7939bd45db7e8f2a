import { MigrationInterface, QueryRunner } from 'typeorm';
import { cancelledTransactionsDdl } from '../accounts/cancelled-transactions';

/** A transactionId refunded before it was charged is cancelled: its charge, however late, is refused. */
export class CancelledTransactions1764000000500 implements MigrationInterface {
  name = 'CancelledTransactions1764000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of cancelledTransactionsDdl('account')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER purchase_not_cancelled ON account.events');
    await queryRunner.query('DROP FUNCTION account.purchase_not_cancelled()');
    await queryRunner.query('DROP TABLE account.cancelled_transactions');
  }
}
