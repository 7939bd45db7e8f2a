import { keyStatusPollMs, MerchantKeyStatus, MerchantKeyStatusPoller } from '@app/platform';
import { Module } from '@nestjs/common';
import { provideAggregate } from '@app/eventstore';
import { merchantAggregate } from '../merchant.aggregate';
import { KeyStatusController } from './key-status.controller';
import { MerchantApiKeys } from './merchant-api-keys';
import { MerchantKeysController } from './merchant-keys.controller';
import { MerchantKeysRepository } from './merchant-keys.repository';

/**
 * Merchant keys' lifecycle. Merchant verifies keys too (its key routes admit them), so it keeps a
 * status copy like every verifier, read from its own tables on the same poll.
 */
@Module({
  controllers: [MerchantKeysController, KeyStatusController],
  providers: [
    provideAggregate(merchantAggregate),
    MerchantKeysRepository,
    MerchantApiKeys,
    {
      provide: MerchantKeyStatusPoller,
      inject: [MerchantKeyStatus, MerchantKeysRepository],
      useFactory: (status: MerchantKeyStatus, keys: MerchantKeysRepository) =>
        new MerchantKeyStatusPoller(
          status,
          async (usage) => {
            await keys.recordUse(usage);
            return keys.status();
          },
          keyStatusPollMs(),
        ),
    },
  ],
  exports: [MerchantApiKeys],
})
export class MerchantKeysModule {}
