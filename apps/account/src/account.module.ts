import { PlatformModule } from '@app/platform';
import { RelayModule, storeMigrations } from '@app/relay';
import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AccountReadModels1764000000100 } from './migrations/1764000000100-account-read-models';
import { CountryStatsShards1764000000200 } from './migrations/1764000000200-country-stats-shards';
import { PurchaseOnce1764000000400 } from './migrations/1764000000400-purchase-once';
import { CancelledTransactions1764000000500 } from './migrations/1764000000500-cancelled-transactions';

@Module({
  imports: [
    PlatformModule.forService({
      name: 'account',
      migrations: [
        ...storeMigrations('account'),
        AccountReadModels1764000000100,
        CountryStatsShards1764000000200,
        PurchaseOnce1764000000400,
        CancelledTransactions1764000000500,
      ],
    }),
    RelayModule,
    AccountsModule,
  ],
})
export class AccountModule {}
