import { defineSettings, integer, readSettings } from '@app/config';
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { MerchantKeyStatus, MerchantKeyStatusSnapshot } from './merchant-key-status';

/** Checkout and Merchant: how often a verifier of merchant keys refreshes its copy of Merchant's key status. */
export const keyStatusSettings = defineSettings('merchant key status', {
  KEY_STATUS_POLL_MS: integer(
    'how often a verifier of merchant keys refreshes which keys are revoked or ended and which merchants suspended (ms); with one answer’s time, the revocation bound',
    { default: 1_000, min: 100, max: 60_000 },
  ),
});

/** How often a verifier refreshes its copy of Merchant's key status (ms). */
export const keyStatusPollMs = (env: NodeJS.ProcessEnv = process.env): number => readSettings(keyStatusSettings, env).KEY_STATUS_POLL_MS;

/** One exchange with Merchant: the uses seen since the last one go up, the current status comes back. */
export type KeyStatusSync = (usage: { keyId: string; at: string }[]) => Promise<MerchantKeyStatusSnapshot>;

/**
 * Keeps MerchantKeyStatus fresh: a sync right at start, then one every poll interval (the next
 * starts only after the last ended, so a slow Merchant is never asked twice at once). A failed
 * sync keeps the last copy, so an outage of Merchant does not lock every merchant out; it is
 * logged once per outage.
 */
export class MerchantKeyStatusPoller implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MerchantKeyStatus');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly status: MerchantKeyStatus,
    private readonly sync: KeyStatusSync,
    private readonly intervalMs: number,
  ) {
    status.enforced = true;
  }

  onModuleInit(): void {
    void this.tick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One sync; answers whether it succeeded. */
  async refresh(): Promise<boolean> {
    const usage = this.status.takeUsage();
    try {
      this.status.apply(await this.sync(usage));
      if (this.failing) this.logger.log('Key status is current again');
      this.failing = false;
      return true;
    } catch (error) {
      this.status.restoreUsage(usage);
      if (!this.failing) this.logger.warn(`Key status could not be refreshed; keeping the last copy: ${(error as Error).message}`);
      this.failing = true;
      return false;
    }
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}
