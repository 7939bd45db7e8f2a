import { EventEnvelope } from '@app/contracts';
import { EventBatchContext, EventBatchPattern, EventContext, Field, checkedEvent, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  AccountOpened,
  AddressUpdated,
  ItemPurchased,
  LimitChanged,
  LimitUpdated,
  PhoneNumberAdded,
  PurchaseRefunded,
  StatusChanged,
  VipStatusGranted,
  VipStatusRevoked,
} from '../domain/account.events';
import { AccountViewRepository } from './account-view.repository';
import { CountryStatsRepository } from './country-stats.repository';

type Envelope<E extends { data: unknown }> = EventEnvelope<E['data']>;

/**
 * Builds the account view and the country statistics from `account.account-events`, and nothing
 * else writes them. The transport applies each stream's events once and in version order, inside
 * `ctx.manager`'s transaction, so each handler is a plain update to the version it carries. Each
 * checks the fields it relies on first (checkedEvent): a malformed event is dead-lettered, not applied.
 */
@Controller()
export class AccountViewProjection {
  constructor(
    private readonly views: AccountViewRepository,
    private readonly stats: CountryStatsRepository,
  ) {}

  @EventPattern('AccountOpened')
  async onOpened(@Payload() event: Envelope<AccountOpened>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, {
      id: Field.uuid,
      name: Field.text,
      lastName: Field.text,
      country: Field.text,
      limit: Field.amount,
      currency: Field.currency,
    });
    const { id, name, lastName, country, address, phoneNumber, limit, currency } = data;
    await this.views.insert(ctx.manager, {
      id,
      name,
      lastName,
      country,
      address,
      phoneNumbers: phoneNumber ? [phoneNumber] : [],
      limit,
      balance: limit,
      currency,
      status: 'active',
      vip: false,
      version,
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
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    // The view keeps the address in the shape of GET /accounts/:id (`zip`), with its country once one is recorded.
    const { street, city, postalCode, country } = data.address;
    await this.views.setAddress(ctx.manager, data.id, { street, city, zip: postalCode, ...(country === null ? {} : { country }) }, version);
  }

  @EventPattern('PhoneNumberAdded')
  async onPhoneNumberAdded(@Payload() event: Envelope<PhoneNumberAdded>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, phoneNumber: Field.text });
    await this.views.addPhoneNumber(ctx.manager, data.id, data.phoneNumber, version);
  }

  @EventPattern('StatusChanged')
  async onStatusChanged(@Payload() event: Envelope<StatusChanged>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, newStatus: Field.text });
    await this.views.setStatus(ctx.manager, data.id, data.newStatus, version);
  }

  @EventPattern('VipStatusGranted')
  async onVipGranted(@Payload() event: Envelope<VipStatusGranted>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.views.setVip(ctx.manager, data.id, true, version);
  }

  @EventPattern('VipStatusRevoked')
  async onVipRevoked(@Payload() event: Envelope<VipStatusRevoked>, @Ctx() ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid });
    await this.views.setVip(ctx.manager, data.id, false, version);
  }

  @EventBatchPattern(['ItemPurchased', 'PurchaseRefunded'])
  async onBalanceChanged(@Payload() events: Envelope<ItemPurchased | PurchaseRefunded>[], @Ctx() ctx: EventBatchContext) {
    const balances = events.map((event) => {
      const { data, version } = checkedEvent(event, { id: Field.uuid, balanceAfter: Field.integer });
      return { id: data.id, balance: data.balanceAfter, version };
    });
    await this.views.setBalances(ctx.manager, balances);
  }

  @EventPattern(rebuildPattern('account.account-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await ctx.manager.query('TRUNCATE account.account_view, account.country_stats');
  }

  private async changeLimit(event: Envelope<LimitUpdated | LimitChanged>, ctx: EventContext) {
    const { data, version } = checkedEvent(event, { id: Field.uuid, newLimit: Field.amount, oldLimit: Field.amount });
    const { id, newLimit, oldLimit } = data;
    const country = await this.views.changeLimit(ctx.manager, id, newLimit, oldLimit, version);
    await this.stats.changeLimit(ctx.manager, id, country, newLimit - oldLimit);
  }
}
