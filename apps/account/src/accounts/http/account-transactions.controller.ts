import { Callers } from '@app/platform';
import { CommandMetadata, DomainError } from '@app/domain';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectAggregate } from '@app/eventstore';
import { AccountAggregate, accountAggregate } from '../account.aggregate';
import { AccountErrors } from '../domain/account.errors';
import { findPurchase } from '../domain/purchase-ledger';
import { CancelledTransactions, isCancelledTransaction } from '../cancelled-transactions';
import { PurchaseRecords, isRepeatedTransaction } from '../purchase-records';
import { CancelledTransactionAnswer, TransactionAnswer } from './account-answer';
import { accountIdPipe, assertTransactionId } from './account-params';
import { ApiProblems, CommandMeta } from '@app/platform';
import { PurchaseItemDto } from './purchase-item.dto';

/** A charge the cancellation trigger refused is the domain's answer, not a database failure. */
const cancelledAsDomainError = (transactionId: string) => (error: unknown) => {
  throw isCancelledTransaction(error) ? AccountErrors.transactionCancelled(transactionId) : error;
};

const busy = (id: string) => new DomainError('conflict', 'CONCURRENCY_CONFLICT', `Account ${id} is too busy; retry the command`);

/**
 * Purchases and refunds: validated against the account's stream, one at a time per account.
 * The state remembers only recent purchases; an older transactionId is found in the event table:
 * a purchase learns of it when the purchase-once index refuses a second charge, a refund always
 * looks it up (refunds are rare, and usually of older purchases).
 * A refund or cancellation of a transactionId never charged records it as cancelled, so that its
 * charge, arriving late from a caller that gave up on it, is refused (409 TRANSACTION_CANCELLED).
 */
@ApiTags('transactions')
@Controller('accounts/:id/transactions')
// Checkout charges and refunds; nobody else but an operator.
@Callers('service:checkout')
export class AccountTransactionsController {
  constructor(
    @InjectAggregate(accountAggregate) private readonly accounts: AccountAggregate,
    private readonly records: PurchaseRecords,
    private readonly cancellations: CancelledTransactions,
  ) {}

  @Post()
  @ApiProblems({
    400: [
      'INVALID_ACCOUNT_ID',
      'INVALID_TRANSACTION_ID',
      'AMOUNT_NOT_INTEGER',
      'AMOUNT_NOT_POSITIVE',
      'CURRENCY_MISMATCH',
      'INSUFFICIENT_FUNDS',
    ],
    404: ['ACCOUNT_NOT_FOUND'],
    409: ['ACCOUNT_LOCKED', 'TRANSACTION_ID_REUSED', 'TRANSACTION_CANCELLED', 'CONCURRENCY_CONFLICT'],
  })
  @ApiOperation({
    summary:
      'Charge a purchase (400 INSUFFICIENT_FUNDS, 409 ACCOUNT_LOCKED); retrying a transactionId answers the first result and charges once; ' +
      'a transactionId refunded or cancelled before it was charged is never charged (409 TRANSACTION_CANCELLED)',
  })
  @ApiCreatedResponse({ type: TransactionAnswer })
  async purchase(
    @Param('id', accountIdPipe) id: string,
    @Body() body: PurchaseItemDto,
    @CommandMeta() metadata: CommandMetadata,
  ): Promise<TransactionAnswer> {
    const { transactionId, amount, currency, merchantId, reference } = body;
    const streamId = this.accounts.streamId(id);
    const purchase = (recorded?: Awaited<ReturnType<PurchaseRecords['find']>>) =>
      this.accounts
        .execute(id, {
          type: 'PurchaseItem',
          data: { id, transactionId, amount, currency, merchantId, reference, recorded },
          metadata,
        })
        .catch(cancelledAsDomainError(transactionId));
    try {
      const result = await purchase();
      const balance = findPurchase(result.state.purchases, transactionId)?.balanceAfter;
      if (balance !== undefined) return { transactionId, balance };
    } catch (error) {
      if (!isRepeatedTransaction(error)) throw error;
    }
    // A purchase older than the state's window (or one sharing a refused statement with it):
    // decide again with the stored record, if there is one.
    const recorded = await this.records.find(streamId, transactionId);
    const result = await purchase(recorded).catch((error: unknown) => {
      throw isRepeatedTransaction(error) ? busy(id) : error;
    });
    return { transactionId, balance: findPurchase(result.state.purchases, transactionId)?.balanceAfter ?? recorded!.balanceAfter! };
  }

  @Post(':transactionId/refund')
  @ApiProblems({
    400: ['INVALID_ACCOUNT_ID', 'INVALID_TRANSACTION_ID'],
    404: ['ACCOUNT_NOT_FOUND', 'TRANSACTION_NOT_FOUND'],
    409: ['PURCHASE_ALREADY_REFUNDED', 'CONCURRENCY_CONFLICT'],
  })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Refund a purchase whole (409 PURCHASE_ALREADY_REFUNDED); a transactionId never charged answers 404 TRANSACTION_NOT_FOUND ' +
      'and is cancelled: its charge is refused from then on',
  })
  @ApiOkResponse({ type: TransactionAnswer })
  async refund(
    @Param('id', accountIdPipe) id: string,
    @Param('transactionId') transactionId: string,
    @CommandMeta() metadata: CommandMetadata,
  ): Promise<TransactionAnswer> {
    assertTransactionId(transactionId);
    const refunded = await this.refundOrCancel(id, transactionId, metadata);
    if (refunded === 'cancelled') throw AccountErrors.transactionNotFound(transactionId);
    return refunded;
  }

  @Post(':transactionId/cancel')
  @ApiProblems({
    400: ['INVALID_ACCOUNT_ID', 'INVALID_TRANSACTION_ID'],
    404: ['ACCOUNT_NOT_FOUND'],
    409: ['PURCHASE_ALREADY_REFUNDED', 'CONCURRENCY_CONFLICT'],
  })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel a transaction: refunds it if it was charged (409 PURCHASE_ALREADY_REFUNDED if it was refunded), else records it ' +
      'cancelled so that it is never charged; cancelling it again answers the same',
  })
  @ApiOkResponse({ type: CancelledTransactionAnswer })
  async cancel(
    @Param('id', accountIdPipe) id: string,
    @Param('transactionId') transactionId: string,
    @CommandMeta() metadata: CommandMetadata,
  ): Promise<CancelledTransactionAnswer> {
    assertTransactionId(transactionId);
    const outcome = await this.refundOrCancel(id, transactionId, metadata);
    return outcome === 'cancelled' ? { transactionId, outcome } : { ...outcome, outcome: 'refunded' };
  }

  /** Refunds the purchase; one never charged is cancelled instead, unless its charge lands meanwhile (then it is refunded). */
  private async refundOrCancel(id: string, transactionId: string, metadata: CommandMetadata): Promise<TransactionAnswer | 'cancelled'> {
    const streamId = this.accounts.streamId(id);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.refundOnce(id, streamId, transactionId, metadata);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'TRANSACTION_NOT_FOUND') || attempt > 1) throw error;
      }
      if ((await this.cancellations.cancel(streamId, transactionId)) === 'cancelled') return 'cancelled';
    }
  }

  private async refundOnce(id: string, streamId: string, transactionId: string, metadata: CommandMetadata): Promise<TransactionAnswer> {
    const recorded = await this.records.find(streamId, transactionId);
    const result = await this.accounts
      .execute(id, { type: 'RefundPurchase', data: { id, transactionId, recorded }, metadata })
      .catch((error: unknown) => {
        throw isRepeatedTransaction(error) ? AccountErrors.alreadyRefunded(transactionId) : error;
      });
    return { transactionId, balance: findPurchase(result.state.purchases, transactionId)!.refundedBalanceAfter! };
  }
}
