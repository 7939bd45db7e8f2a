import { signCredential } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { DataSource } from 'typeorm';

/**
 * Issues each merchant's API key: a credential for `merchant:<id>` signed with Merchant's own
 * key (MERCHANT_KEY_SIGNING_KEY, which only Merchant holds), so Checkout verifies it with the
 * public key alone. The key is shown once; Merchant keeps only its SHA-256.
 */
@Injectable()
export class MerchantApiKeys {
  private readonly signingKey?: JWK;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    const raw = process.env.MERCHANT_KEY_SIGNING_KEY;
    if (raw) this.signingKey = JSON.parse(raw) as JWK;
    else new Logger('MerchantApiKeys').warn('MERCHANT_KEY_SIGNING_KEY is not set: onboarding issues no API keys (run npm run provision)');
  }

  /** A new key for `merchantId`, recorded by its hash; undefined when no signing key is configured. */
  async issue(merchantId: string): Promise<string | undefined> {
    if (!this.signingKey) return undefined;
    const apiKey = await signCredential(this.signingKey, `merchant:${merchantId}`);
    await this.dataSource.query('INSERT INTO merchant.api_keys (key_hash, merchant_id) VALUES ($1, $2)', [
      createHash('sha256').update(apiKey).digest(),
      merchantId,
    ]);
    return apiKey;
  }
}
