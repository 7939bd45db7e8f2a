import { createHash } from 'node:crypto';
import {
  formatMerchantKey,
  isMerchantKeyId,
  legacyMerchantKeyId,
  merchantKeyPrefix,
  newMerchantKeyId,
  parseMerchantKey,
} from './merchant-key-format';

const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJtZXJjaGFudDp4In0.c2lnbmF0dXJl_-';

describe('merchant key format', () => {
  it('gives a key a recognisable prefix and its id, and parses both back', () => {
    const keyId = newMerchantKeyId();
    expect(isMerchantKeyId(keyId)).toBe(true);
    const key = formatMerchantKey(keyId, token);
    expect(key.startsWith(`mk_${keyId}_`)).toBe(true);
    expect(merchantKeyPrefix(keyId)).toBe(`mk_${keyId}`);
    expect(parseMerchantKey(key)).toEqual({ keyId, token });
  });

  it('parses nothing that is not a whole formatted key', () => {
    const keyId = newMerchantKeyId();
    for (const value of [
      token,
      `mk_${keyId}`,
      `mk_${keyId}_`,
      `mk_${keyId.slice(1)}_${token}`,
      `sk_${keyId}_${token}`,
      `mk_${keyId}_${token} `,
    ])
      expect(parseMerchantKey(value)).toBeUndefined();
    expect(isMerchantKeyId('ABCDEF0123456789')).toBe(false);
  });

  it('names a key issued before ids by the head of the hash Merchant stored', () => {
    expect(legacyMerchantKeyId(token)).toBe(createHash('sha256').update(token).digest('hex').slice(0, 16));
    expect(isMerchantKeyId(legacyMerchantKeyId(token))).toBe(true);
  });
});
