import { EventEnvelope } from '@app/contracts';
import { EventContext, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  AccountOpened, AddressUpdated, ItemPurchased, LimitChanged, LimitUpdated, PhoneNumberAdded, PurchaseRefunded, StatusChanged, VipStatusGranted,
} from '../domain/account.events';
import { AccountViewRepository } from './account-view.repository';
import { CountryStatsRepository } from './country-stats.repository';

type Envelope<E extends { data: unknown }> = EventEnvelope<E['data']>;

/**
 * Builds the account view and the country statistics from `account.account-events`, and nothing
 * else writes them. The transport applies each stream's events once and in version order, inside
 * `ctx.manager`'s transaction, so each handler is a plain update to the version it carries.
 */
@Controller()
export class AccountViewProjection {
  constructor(private readonly views: AccountViewRepository, private readonly stats: CountryStatsRepository) {}

  @EventPattern('AccountOpened')
  async onOpened(@Payload() event: Envelope<AccountOpened>, @Ctx() ctx: EventContext) {
    const { id, name, lastName, country, address, phoneNumber, limit, currency } = event.data;
    await this.views.insert(ctx.manager, {
      id, name, lastName, country, address, phoneNumbers: phoneNumber ? [phoneNumber] : [],
      limit, balance: limit, currency, status: 'active', vip: false, version: event.streamVersion,
    });
    await this.stats.addAccount(ctx.manager, id, country, limit);
  }

  @EventPattern('LimitUpdated')
  async onLimitUpdated(@Payload() event: Envelope<LimitUpdated>, @Ctx() ctx: EventContext) {
    await this.changeLimit(event, ctx);
  }

  @EventPattern('LimitChanged')
  async onLimitChanged(@Payload() event: Envelope<LimitChanged>, @Ctx() ctx: EventContext) {
    await this.changeLimit(event, ctx);
  }

  @EventPattern('AddressUpdated')
  async onAddressUpdated(@Payload() event: Envelope<AddressUpdated>, @Ctx() ctx: EventContext) {
    await this.views.setAddress(ctx.manager, event.data.id, event.data.address, event.streamVersion);
  }

  @EventPattern('PhoneNumberAdded')
  async onPhoneNumberAdded(@Payload() event: Envelope<PhoneNumberAdded>, @Ctx() ctx: EventContext) {
    await this.views.addPhoneNumber(ctx.manager, event.data.id, event.data.phoneNumber, event.streamVersion);
  }

  @EventPattern('StatusChanged')
  async onStatusChanged(@Payload() event: Envelope<StatusChanged>, @Ctx() ctx: EventContext) {
    await this.views.setStatus(ctx.manager, event.data.id, event.data.newStatus, event.streamVersion);
  }

  @EventPattern('VipStatusGranted')
  async onVipGranted(@Payload() event: Envelope<VipStatusGranted>, @Ctx() ctx: EventContext) {
    await this.views.setVip(ctx.manager, event.data.id, true, event.streamVersion);
  }

  @EventPattern('VipStatusRevoked')
  async onVipRevoked(@Payload() event: Envelope<VipStatusGranted>, @Ctx() ctx: EventContext) {
    await this.views.setVip(ctx.manager, event.data.id, false, event.streamVersion);
  }

  @EventPattern('ItemPurchased')
  async onPurchased(@Payload() event: Envelope<ItemPurchased>, @Ctx() ctx: EventContext) {
    await this.views.setBalance(ctx.manager, event.data.id, event.data.balanceAfter, event.streamVersion);
  }

  @EventPattern('PurchaseRefunded')
  async onRefunded(@Payload() event: Envelope<PurchaseRefunded>, @Ctx() ctx: EventContext) {
    await this.views.setBalance(ctx.manager, event.data.id, event.data.balanceAfter, event.streamVersion);
  }

  @EventPattern(rebuildPattern('account.account-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await ctx.manager.query('TRUNCATE account.account_view, account.country_stats');
  }

  private async changeLimit(event: Envelope<LimitUpdated | LimitChanged>, ctx: EventContext) {
    const { id, newLimit, oldLimit } = event.data;
    const country = await this.views.changeLimit(ctx.manager, id, newLimit, oldLimit, event.streamVersion);
    await this.stats.changeLimit(ctx.manager, id, country, newLimit - oldLimit);
  }
}
