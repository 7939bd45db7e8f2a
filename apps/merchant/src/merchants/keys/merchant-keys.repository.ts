import { MerchantKeyStatusSnapshot } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A key as listed: never its secret, which Merchant does not have. */
export interface MerchantKeyRow {
  id: string;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}

const COLUMNS = `key_id AS id, issued_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

interface RawRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}
// A time not yet set is left out rather than null, as every answer of the platform does.
const rowOf = (raw: RawRow): MerchantKeyRow => ({
  id: raw.id,
  createdAt: raw.createdAt.toISOString(),
  ...(raw.lastUsedAt ? { lastUsedAt: raw.lastUsedAt.toISOString() } : {}),
  ...(raw.expiresAt ? { expiresAt: raw.expiresAt.toISOString() } : {}),
  ...(raw.revokedAt ? { revokedAt: raw.revokedAt.toISOString() } : {}),
});

/** merchant.api_keys and merchant.request_limits: the keys' lifecycle and the status every verifier copies. */
@Injectable()
export class MerchantKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(merchantId: string, keyId: string, keyHash: Buffer): Promise<MerchantKeyRow> {
    const [raw] = (await this.dataSource.query(
      `INSERT INTO merchant.api_keys (key_hash, merchant_id, key_id) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [keyHash, merchantId, keyId],
    )) as RawRow[];
    return rowOf(raw);
  }

  async list(merchantId: string): Promise<MerchantKeyRow[]> {
    const raws = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM merchant.api_keys WHERE merchant_id = $1 ORDER BY issued_at, key_id`,
      [merchantId],
    )) as RawRow[];
    return raws.map(rowOf);
  }

  /**
   * Ends one of the merchant's keys at `at` (never later than an end it already has); a revocation
   * also records when. Undefined when the merchant has no such key, whoever else may have it.
   */
  async end(merchantId: string, keyId: string, at: Date, revoke: boolean): Promise<MerchantKeyRow | undefined> {
    const [raws] = (await this.dataSource.query(
      `UPDATE merchant.api_keys
          SET expires_at = LEAST(COALESCE(expires_at, $3), $3),
              revoked_at = CASE WHEN $4 THEN COALESCE(revoked_at, now()) ELSE revoked_at END
        WHERE merchant_id = $1 AND key_id = $2
        RETURNING ${COLUMNS}`,
      [merchantId, keyId, at, revoke],
    )) as [RawRow[], number];
    return raws[0] ? rowOf(raws[0]) : undefined;
  }

  async find(merchantId: string, keyId: string): Promise<MerchantKeyRow | undefined> {
    const [raw] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM merchant.api_keys WHERE merchant_id = $1 AND key_id = $2`, [
      merchantId,
      keyId,
    ])) as RawRow[];
    return raw ? rowOf(raw) : undefined;
  }

  /** Records the uses verifiers saw, keeping the latest of each key. */
  async recordUse(usage: { keyId: string; at: string }[]): Promise<void> {
    if (usage.length === 0) return;
    await this.dataSource.query(
      `UPDATE merchant.api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS u(key_id, at) WHERE k.key_id = u.key_id`,
      [usage.map((u) => u.keyId), usage.map((u) => u.at)],
    );
  }

  async setLimit(merchantId: string, requests: number, windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO merchant.request_limits (merchant_id, requests, window_seconds) VALUES ($1, $2, $3)
       ON CONFLICT (merchant_id) DO UPDATE SET requests = $2, window_seconds = $3, set_at = now()`,
      [merchantId, requests, windowSeconds],
    );
  }

  async clearLimit(merchantId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM merchant.request_limits WHERE merchant_id = $1', [merchantId]);
  }

  /**
   * What verifiers copy: keys with an end, merchants whose latest suspension event is a suspension
   * (read from the event table, the truth, through its (type, position) index), and set limits.
   */
  async status(): Promise<MerchantKeyStatusSnapshot> {
    const [ending, suspended, limits] = await Promise.all([
      this.dataSource.query(`SELECT key_id AS "keyId", expires_at AS "notAfter" FROM merchant.api_keys WHERE expires_at IS NOT NULL`),
      this.dataSource.query(
        `SELECT substr(stream_id, 10) AS id FROM (
           SELECT DISTINCT ON (stream_id) stream_id, type FROM merchant.events
            WHERE type IN ('MerchantSuspended', 'MerchantReinstated')
            ORDER BY stream_id, stream_version DESC) latest
          WHERE type = 'MerchantSuspended'`,
      ),
      this.dataSource.query(`SELECT merchant_id AS "merchantId", requests, window_seconds AS "windowSeconds" FROM merchant.request_limits`),
    ]);
    return {
      endingKeys: (ending as { keyId: string; notAfter: Date }[]).map((k) => ({ keyId: k.keyId, notAfter: k.notAfter.toISOString() })),
      suspendedMerchants: (suspended as { id: string }[]).map((m) => m.id),
      limits: limits as MerchantKeyStatusSnapshot['limits'],
    };
  }
}
