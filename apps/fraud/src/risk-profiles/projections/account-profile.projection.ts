import { EventEnvelope } from '@app/contracts';
import { EventBatchContext, EventBatchPattern, EventContext, Field, checkedEvent, rebuildPattern, requireOnePerKey } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RiskProfileRepository } from './risk-profile.repository';

// The agreed wire shapes of Account's events, as far as Fraud reads them.
interface AccountOpened {
  id: string;
  limit: number;
  currency: string;
}
interface LimitSet {
  id: string;
  newLimit: number;
}
interface AddressUpdated {
  id: string;
}
interface StatusChanged {
  id: string;
  newStatus: string;
}
interface VipStatus {
  id: string;
}
interface ItemPurchased {
  id: string;
  amount: number;
  currency: string;
}

/** The account side of the risk profile, from `fraud.account-events`. */
@Controller()
export class AccountProfileProjection {
  constructor(private readonly profiles: RiskProfileRepository) {}

  @EventPattern('AccountOpened')
  async onOpened(@Payload() event: EventEnvelope<AccountOpened>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, limit: Field.amount, currency: Field.currency });
    await this.profiles.openAccount(ctx.manager, data.id, data.limit, data.currency, version);
  }

  // A limit set by an operator and one forced by a lock (to 0) matter alike.
  @EventPattern('LimitUpdated')
  async onLimitUpdated(@Payload() event: EventEnvelope<LimitSet>, @Ctx() ctx: EventContext) {
    await this.setLimit(event, ctx);
  }

  @EventPattern('LimitChanged')
  async onLimitChanged(@Payload() event: EventEnvelope<LimitSet>, @Ctx() ctx: EventContext) {
    await this.setLimit(event, ctx);
  }

  @EventPattern('AddressUpdated')
  async onAddressUpdated(@Payload() event: EventEnvelope<AddressUpdated>, @Ctx() ctx: EventContext) {
    const { data, occurredAt, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.addressChanged(ctx.manager, data.id, occurredAt, version);
  }

  @EventPattern('StatusChanged')
  async onStatusChanged(@Payload() event: EventEnvelope<StatusChanged>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, newStatus: Field.text });
    await this.profiles.setStatus(ctx.manager, data.id, data.newStatus, version);
  }

  @EventPattern('VipStatusGranted')
  async onVipGranted(@Payload() event: EventEnvelope<VipStatus>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.setVip(ctx.manager, data.id, true, version);
  }

  @EventPattern('VipStatusRevoked')
  async onVipRevoked(@Payload() event: EventEnvelope<VipStatus>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.profiles.setVip(ctx.manager, data.id, false, version);
  }

  @EventBatchPattern('ItemPurchased')
  async onPurchased(@Payload() events: EventEnvelope<ItemPurchased>[], @Ctx() ctx: EventBatchContext) {
    const purchases = events.map((event) => {
      const { data, version } = checkedEvent(event, { id: Field.uuid, amount: Field.amount, currency: Field.currency });
      return { accountId: data.id, amount: data.amount, currency: data.currency, version };
    });
    requireOnePerKey(
      purchases.map((purchase) => purchase.accountId),
      'account',
    );
    await this.profiles.purchased(ctx.manager, purchases);
  }

  @EventPattern(rebuildPattern('fraud.account-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await this.profiles.truncate(ctx.manager, 'account_profiles');
  }

  private async setLimit(event: EventEnvelope<LimitSet>, ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, newLimit: Field.amount });
    await this.profiles.setLimit(ctx.manager, data.id, data.newLimit, version);
  }
}
