import { EventEnvelope } from '@app/contracts';
import { EventContext, Field, checkedEvent, rebuildPattern } from '@app/messaging';
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

  @EventPattern('CheckoutStarted')
  async onStarted(@Payload() event: EventEnvelope<CheckoutStarted>, @Ctx() ctx: EventContext) {
    const { data, occurredAt } = checkedEvent(event, {
      checkoutId: Field.uuid,
      accountId: Field.uuid,
      merchantId: Field.uuid,
      total: Field.amount,
      currency: Field.currency,
    });
    await this.profiles.checkoutStarted(ctx.manager, { ...data, startedAt: occurredAt });
  }

  @EventPattern(rebuildPattern('fraud.checkout-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await this.profiles.truncate(ctx.manager, 'checkout_starts');
  }
}
