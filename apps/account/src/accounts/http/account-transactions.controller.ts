import { Callers } from '@app/platform';
import { CommandMetadata, DomainError } from '@app/domain';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountCommands, accountStreamId } from '../account-commands';
import { AccountErrors } from '../domain/account.errors';
import { findPurchase } from '../domain/purchase-ledger';
import { PurchaseRecords, isRepeatedTransaction } from '../purchase-records';
import { TransactionAnswer } from './account-answer';
import { accountIdPipe, assertTransactionId } from './account-params';
import { ApiProblems, CommandMeta } from '@app/platform';
import { PurchaseItemDto } from './purchase-item.dto';

const busy = (id: string) => new DomainError('conflict', 'CONCURRENCY_CONFLICT', `Account ${id} is too busy; retry the command`);

/**
 * Purchases and refunds: validated against the account's stream, one at a time per account.
 * The state remembers only recent purchases; an older transactionId is found in the event table:
 * a purchase learns of it when the purchase-once index refuses a second charge, a refund always
 * looks it up (refunds are rare, and usually of older purchases).
 */
@ApiTags('transactions')
@Controller('accounts/:id/transactions')
// Checkout charges and refunds; nobody else but an operator.
@Callers('service:checkout')
export class AccountTransactionsController {
  constructor(
    private readonly commands: AccountCommands,
    private readonly records: PurchaseRecords,
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
    409: ['ACCOUNT_LOCKED', 'TRANSACTION_ID_REUSED', 'CONCURRENCY_CONFLICT'],
  })
  @ApiOperation({
    summary:
      'Charge a purchase (400 INSUFFICIENT_FUNDS, 409 ACCOUNT_LOCKED); retrying a transactionId answers the first result and charges once',
  })
  @ApiCreatedResponse({ type: TransactionAnswer })
  async purchase(
    @Param('id', accountIdPipe) id: string,
    @Body() body: PurchaseItemDto,
    @CommandMeta() metadata: CommandMetadata,
  ): Promise<TransactionAnswer> {
    const { transactionId, amount, currency, merchantId, reference } = body;
    const streamId = accountStreamId(id);
    const purchase = (recorded?: Awaited<ReturnType<PurchaseRecords['find']>>) =>
      this.commands.execute(streamId, {
        type: 'PurchaseItem',
        data: { id, transactionId, amount, currency, merchantId, reference, recorded },
        metadata,
      });
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
  @ApiOperation({ summary: 'Refund a purchase whole (404 TRANSACTION_NOT_FOUND, 409 PURCHASE_ALREADY_REFUNDED)' })
  @ApiOkResponse({ type: TransactionAnswer })
  async refund(
    @Param('id', accountIdPipe) id: string,
    @Param('transactionId') transactionId: string,
    @CommandMeta() metadata: CommandMetadata,
  ): Promise<TransactionAnswer> {
    assertTransactionId(transactionId);
    const streamId = accountStreamId(id);
    const recorded = await this.records.find(streamId, transactionId);
    const result = await this.commands
      .execute(streamId, { type: 'RefundPurchase', data: { id, transactionId, recorded }, metadata })
      .catch((error: unknown) => {
        throw isRepeatedTransaction(error) ? AccountErrors.alreadyRefunded(transactionId) : error;
      });
    return { transactionId, balance: findPurchase(result.state.purchases, transactionId)!.refundedBalanceAfter! };
  }
}
