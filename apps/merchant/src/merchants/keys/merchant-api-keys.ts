import { defineSettings, json, readSettings } from '@app/config';
import { formatMerchantKey, newMerchantKeyId, signCredential } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { MerchantKeyRow, MerchantKeysRepository } from './merchant-keys.repository';

/** A key just minted: its listing and, this once, the key itself. */
export type MintedKey = MerchantKeyRow & { apiKey: string };

/** Merchant's own signing key for merchant API keys; only Merchant holds it. */
export const merchantKeySettings = defineSettings('merchant API keys', {
  MERCHANT_KEY_SIGNING_KEY: json('signs merchant API keys (a private JWK); unset, onboarding issues no API keys', {
    secret: true,
    shownDefault: 'written by `npm run provision`',
    check: (key) => typeof key === 'object' && key !== null && 'd' in key,
  }),
});

/**
 * Issues each merchant's API keys: `mk_<id>_<token>`, the token a credential for `merchant:<id>`
 * naming the key id, signed with Merchant's own key (MERCHANT_KEY_SIGNING_KEY, which only Merchant
 * holds), so verifiers need only the public key and the status copy (MerchantKeyStatus). A key is
 * shown once; Merchant keeps its SHA-256 and its id.
 */
@Injectable()
export class MerchantApiKeys {
  private readonly signingKey?: JWK;

  constructor(private readonly keys: MerchantKeysRepository) {
    const raw = readSettings(merchantKeySettings).MERCHANT_KEY_SIGNING_KEY;
    if (raw) this.signingKey = JSON.parse(raw) as JWK;
    else new Logger('MerchantApiKeys').warn('MERCHANT_KEY_SIGNING_KEY is not set: onboarding issues no API keys (run npm run provision)');
  }

  get canIssue(): boolean {
    return this.signingKey !== undefined;
  }

  /** A new key for `merchantId`, recorded by its hash; undefined when no signing key is configured. */
  async issue(merchantId: string): Promise<MintedKey | undefined> {
    if (!this.signingKey) return undefined;
    const keyId = newMerchantKeyId();
    const apiKey = formatMerchantKey(keyId, await signCredential(this.signingKey, `merchant:${merchantId}`, { id: keyId }));
    const row = await this.keys.insert(merchantId, keyId, createHash('sha256').update(apiKey).digest());
    return { ...row, apiKey };
  }
}
