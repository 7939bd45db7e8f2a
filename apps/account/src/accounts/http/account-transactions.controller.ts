import { CommandMetadata } from '@app/domain';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountCommands, accountStreamId } from '../account-commands';
import { findPurchase } from '../domain/purchase-ledger';
import { TransactionAnswer } from './account-answer';
import { accountIdPipe, assertTransactionId } from './account-params';
import { ApiProblems, CommandMeta } from '@app/platform';
import { PurchaseItemDto } from './purchase-item.dto';

/** Purchases and refunds: validated against the account's stream, one at a time per account. */
@ApiTags('transactions')
@Controller('accounts/:id/transactions')
export class AccountTransactionsController {
  constructor(private readonly commands: AccountCommands) {}

  @Post()
  @ApiProblems({
    400: ['INVALID_ACCOUNT_ID', 'INVALID_TRANSACTION_ID', 'AMOUNT_NOT_INTEGER', 'AMOUNT_NOT_POSITIVE', 'CURRENCY_MISMATCH', 'INSUFFICIENT_FUNDS'],
    404: ['ACCOUNT_NOT_FOUND'],
    409: ['ACCOUNT_LOCKED', 'TRANSACTION_ID_REUSED', 'CONCURRENCY_CONFLICT'],
  })
  @ApiOperation({
    summary: 'Charge a purchase (400 INSUFFICIENT_FUNDS, 409 ACCOUNT_LOCKED); retrying a transactionId answers the first result and charges once',
  })
  @ApiCreatedResponse({ type: TransactionAnswer })
  async purchase(@Param('id', accountIdPipe) id: string, @Body() body: PurchaseItemDto, @CommandMeta() metadata: CommandMetadata): Promise<TransactionAnswer> {
    const { transactionId, amount, currency, merchantId, reference } = body;
    const result = await this.commands.execute(accountStreamId(id), {
      type: 'PurchaseItem',
      data: { id, transactionId, amount, currency, merchantId, reference },
      metadata,
    });
    return { transactionId, balance: findPurchase(result.state.purchases, transactionId)!.balanceAfter };
  }

  @Post(':transactionId/refund')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID', 'INVALID_TRANSACTION_ID'], 404: ['ACCOUNT_NOT_FOUND', 'TRANSACTION_NOT_FOUND'], 409: ['PURCHASE_ALREADY_REFUNDED', 'CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Refund a purchase whole (404 TRANSACTION_NOT_FOUND, 409 PURCHASE_ALREADY_REFUNDED)' })
  @ApiOkResponse({ type: TransactionAnswer })
  async refund(@Param('id', accountIdPipe) id: string, @Param('transactionId') transactionId: string, @CommandMeta() metadata: CommandMetadata): Promise<TransactionAnswer> {
    assertTransactionId(transactionId);
    const result = await this.commands.execute(accountStreamId(id), { type: 'RefundPurchase', data: { id, transactionId }, metadata });
    return { transactionId, balance: findPurchase(result.state.purchases, transactionId)!.refundedBalanceAfter! };
  }
}
