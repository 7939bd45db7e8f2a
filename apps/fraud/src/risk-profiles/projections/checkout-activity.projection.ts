import { EventEnvelope } from '@app/contracts';
import { EventBatchContext, EventBatchPattern, EventContext, Field, checkedEvent, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RiskProfileRepository } from './risk-profile.repository';

/** The agreed wire shape of Checkout's `CheckoutStarted`, as far as Fraud reads it. */
interface CheckoutStarted {
  checkoutId: string;
  accountId: string;
  merchantId: string;
  total: number;
  currency: string;
}

/** Started checkouts per account for the velocity rule, from `fraud.checkout-events`; other checkout events are skipped. */
@Controller()
export class CheckoutActivityProjection {
  constructor(private readonly profiles: RiskProfileRepository) {}

  @EventBatchPattern('CheckoutStarted')
  async onStarted(@Payload() events: EventEnvelope<CheckoutStarted>[], @Ctx() ctx: EventBatchContext) {
    const starts = events.map((event) => {
      const { data, occurredAt } = checkedEvent(event, {
        checkoutId: Field.uuid,
        accountId: Field.uuid,
        merchantId: Field.uuid,
        total: Field.amount,
        currency: Field.currency,
      });
      return { ...data, startedAt: occurredAt };
    });
    await this.profiles.checkoutsStarted(ctx.manager, starts);
  }

  @EventPattern(rebuildPattern('fraud.checkout-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await this.profiles.truncate(ctx.manager, 'checkout_starts');
  }
}
