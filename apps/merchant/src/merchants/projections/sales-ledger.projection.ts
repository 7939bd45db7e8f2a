import { EventEnvelope } from '@app/contracts';
import { EventBatchContext, EventBatchPattern, EventContext, Field, checkedEvent, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SalesLedgerRepository } from './sales-ledger.repository';

/** The agreed wire shape of Checkout's `CheckoutCompleted`. */
interface CheckoutCompleted {
  checkoutId: string;
  accountId: string;
  merchantId: string;
  total: number;
  currency: string;
}

const SALES_QUEUE = 'merchant.checkout-events';

/**
 * The merchant's sales ledger, from `merchant.checkout-events`. Only `CheckoutCompleted` counts: a
 * completed checkout is final (Checkout compensates only before completion), so no later
 * `CheckoutCompensated` can take a sale back, and every other checkout event is skipped.
 */
@Controller()
export class SalesLedgerProjection {
  constructor(private readonly sales: SalesLedgerRepository) {}

  @EventBatchPattern('CheckoutCompleted')
  async onCompleted(@Payload() events: EventEnvelope<CheckoutCompleted>[], @Ctx() ctx: EventBatchContext) {
    const sales = events.map((event) => {
      const { data, occurredAt } = checkedEvent(event, {
        checkoutId: Field.uuid,
        accountId: Field.uuid,
        merchantId: Field.uuid,
        total: Field.amount,
        currency: Field.currency,
      });
      return { ...data, completedAt: occurredAt };
    });
    await this.sales.recordSales(ctx.manager, sales);
  }

  @EventPattern(rebuildPattern(SALES_QUEUE))
  async onRebuild(@Ctx() ctx: EventContext) {
    await this.sales.truncate(ctx.manager);
  }
}
