import { EventEnvelope } from '@app/contracts';
import { EventContext, Field, checkedEvent, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RiskProfileRepository } from './risk-profile.repository';

// The agreed wire shapes of Merchant's events, as far as Fraud reads them.
interface MerchantEventData {
  id: string;
}
interface MerchantSuspended {
  id: string;
  reason?: string;
}

/** What Fraud knows of merchants, from `fraud.merchant-events`. */
@Controller()
export class MerchantProfileProjection {
  constructor(private readonly profiles: RiskProfileRepository) {}

  @EventPattern('MerchantOnboarded')
  async onOnboarded(@Payload() event: EventEnvelope<MerchantEventData>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.onboardMerchant(ctx.manager, data.id, version);
  }

  @EventPattern('MerchantSuspended')
  async onSuspended(@Payload() event: EventEnvelope<MerchantSuspended>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    const reason = typeof data.reason === 'string' ? data.reason : null;
    await this.profiles.setMerchantStatus(ctx.manager, data.id, 'suspended', reason, version);
  }

  @EventPattern('MerchantReinstated')
  async onReinstated(@Payload() event: EventEnvelope<MerchantEventData>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.setMerchantStatus(ctx.manager, data.id, 'active', null, version);
  }

  @EventPattern('BankAccountChanged')
  async onBankAccountChanged(@Payload() event: EventEnvelope<MerchantEventData>, @Ctx() ctx: EventContext) {
    const { data, occurredAt, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.merchantBankAccountChanged(ctx.manager, data.id, occurredAt, version);
  }

  @EventPattern(rebuildPattern('fraud.merchant-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await this.profiles.truncate(ctx.manager, 'merchant_profiles');
  }
}
