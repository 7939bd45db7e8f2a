import { serviceUrl } from '@app/contracts';
import {
  JsonHttpClient,
  keyStatusPollMs,
  MerchantKeyStatus,
  MerchantKeyStatusPoller,
  MerchantKeyStatusSnapshot,
  ServiceCredential,
} from '@app/platform';
import { Provider } from '@nestjs/common';

/** One sync with Merchant may take this long; with the poll interval, it bounds how late a revocation is seen. */
const SYNC_TIMEOUT_MS = 1_000;

/** Checkout's copy of Merchant's key status, synced over HTTP with its service credential. */
export const merchantKeyStatusPollerProvider: Provider = {
  provide: MerchantKeyStatusPoller,
  inject: [MerchantKeyStatus],
  useFactory: (status: MerchantKeyStatus) => {
    const credential = ServiceCredential.fromEnv('checkout');
    const merchant = new JsonHttpClient('merchant', serviceUrl('merchant'), {
      timeoutMs: SYNC_TIMEOUT_MS,
      retries: 0,
      backoffMs: 100,
      credential: () => credential.current(),
    });
    return new MerchantKeyStatusPoller(
      status,
      async (used) => {
        const answer = await merchant.call('POST', '/merchant-keys/sync', { body: { used }, idempotent: true });
        if (answer.status !== 200) throw new Error(`Merchant answered ${answer.status} to the key status sync`);
        return answer.body as unknown as MerchantKeyStatusSnapshot;
      },
      keyStatusPollMs(),
    );
  },
};
