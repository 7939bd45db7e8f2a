import { provideAggregate } from '@app/eventstore';
import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { accountAggregate } from './account.aggregate';
import { AccountChangesController } from './http/account-changes.controller';
import { AccountTransactionsController } from './http/account-transactions.controller';
import { AccountsController } from './http/accounts.controller';
import { StatsController } from './http/stats.controller';
import { accountView } from './projections/account-view.projection';
import { AccountViewRepository } from './projections/account-view.repository';
import { CountryStatsRepository } from './projections/country-stats.repository';
import { CancelledTransactions } from './cancelled-transactions';
import { PurchaseRecords } from './purchase-records';

@Module({
  controllers: [
    AccountsController,
    AccountChangesController,
    AccountTransactionsController,
    StatsController,
    projectionController(accountView),
  ],
  providers: [provideAggregate(accountAggregate), AccountViewRepository, CountryStatsRepository, PurchaseRecords, CancelledTransactions],
})
export class AccountsModule {}
