import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PurchaseRecord } from './domain/purchase-ledger';

/** The unique indexes that keep a transactionId charged once and refunded once (PurchaseOnce migration). */
export const PURCHASE_ONCE_INDEXES = ['events_purchase_once', 'events_refund_once'];

/** Whether `error` is the database refusing a second purchase or refund of one transactionId. */
export function isRepeatedTransaction(error: unknown): boolean {
  const pgError = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = pgError?.driverError?.code ?? pgError?.code;
  const constraint = pgError?.driverError?.constraint ?? pgError?.constraint;
  return code === '23505' && PURCHASE_ONCE_INDEXES.includes(constraint ?? '');
}

/** A past purchase of an account, read from its stream through the purchase-once indexes. */
@Injectable()
export class PurchaseRecords {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(streamId: string, transactionId: string): Promise<PurchaseRecord | undefined> {
    const rows: { type: string; amount: number; balance_after: number }[] = await this.dataSource.query(
      `SELECT type, (data->>'amount')::bigint::float8 AS amount, (data->>'balanceAfter')::bigint::float8 AS balance_after
         FROM account.events
        WHERE stream_id = $1 AND data->>'transactionId' = $2 AND type IN ('ItemPurchased', 'PurchaseRefunded')`,
      [streamId, transactionId],
    );
    const purchase = rows.find((row) => row.type === 'ItemPurchased');
    if (!purchase) return undefined;
    const refund = rows.find((row) => row.type === 'PurchaseRefunded');
    return {
      transactionId,
      amount: purchase.amount,
      balanceAfter: purchase.balance_after,
      ...(refund ? { refundedBalanceAfter: refund.balance_after } : {}),
    };
  }
}
