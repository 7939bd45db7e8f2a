import { EventEnvelope } from '@app/contracts';
import { EventContext, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AccountOpened, LimitUpdated } from '../domain/account.events';
import { AccountViewRepository } from './account-view.repository';
import { CountryStatsRepository } from './country-stats.repository';

/**
 * Builds the account view and the country statistics from `account.account-events`. The
 * transport applies each stream's events once and in version order, inside `ctx.manager`'s transaction.
 */
@Controller()
export class AccountViewProjection {
  constructor(private readonly views: AccountViewRepository, private readonly stats: CountryStatsRepository) {}

  @EventPattern('AccountOpened')
  async onOpened(@Payload() event: EventEnvelope<AccountOpened['data']>, @Ctx() ctx: EventContext) {
    const { id, name, lastName, country, address, phoneNumber, limit, currency } = event.data;
    await this.views.insert(ctx.manager, {
      id, name, lastName, country, address, phoneNumbers: phoneNumber ? [phoneNumber] : [],
      limit, balance: limit, currency, status: 'active', vip: false, version: event.streamVersion,
    });
    await this.stats.addAccount(ctx.manager, country, limit);
  }

  @EventPattern('LimitUpdated')
  async onLimitUpdated(@Payload() event: EventEnvelope<LimitUpdated['data']>, @Ctx() ctx: EventContext) {
    const { id, newLimit, oldLimit } = event.data;
    await this.views.updateLimit(ctx.manager, id, newLimit, oldLimit, event.streamVersion);
    const view = await ctx.manager.query(`SELECT country FROM account.account_view WHERE id = $1`, [id]);
    await this.stats.changeLimit(ctx.manager, view[0].country, newLimit - oldLimit);
  }

  @EventPattern(rebuildPattern('account.account-events'))
  async onRebuild(@Ctx() ctx: EventContext) {
    await ctx.manager.query('TRUNCATE account.account_view, account.country_stats');
  }
}
