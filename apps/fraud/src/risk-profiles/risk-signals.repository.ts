import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountRisk, RiskSignals } from '../assessments/domain/risk-rules';

export type LearnedSignals = Pick<RiskSignals, 'account' | 'merchant' | 'recentCheckouts' | 'recentAssessments'>;

/** The account's full profile as stored, for the risk-profile route. */
export interface AccountProfileRow {
  status: string;
  limit: number;
  currency: string;
  vip: boolean;
  addressChangedAt: string | null;
  purchaseCount: number;
  recentAmounts: number[];
  version: number;
}

interface SignalsRow {
  account: AccountProfileRow | null;
  merchant: { status: string } | null;
  recentCheckouts: number;
  recentAssessments: number;
}

// One round trip, every part an index lookup: the profiles by primary key, the started checkouts
// by (account_id, started_at), the assessments by the partial index on FraudAssessed events.
const SIGNALS_SQL = `
  SELECT
    (SELECT json_build_object('status', status, 'limit', credit_limit, 'currency', currency, 'vip', vip,
              'addressChangedAt', address_changed_at, 'purchaseCount', purchase_count, 'recentAmounts', recent_amounts,
              'version', version)
       FROM fraud.account_profiles WHERE account_id = $1) AS account,
    (SELECT json_build_object('status', status) FROM fraud.merchant_profiles WHERE merchant_id = $2) AS merchant,
    (SELECT count(*) FROM fraud.checkout_starts WHERE account_id = $1 AND started_at > $3)::int AS "recentCheckouts",
    (SELECT count(*) FROM fraud.events
      WHERE type = 'FraudAssessed' AND data->>'accountId' = $4 AND recorded_at > $3)::int AS "recentAssessments"`;

/** What Fraud has learned, read for an assessment (inside its transaction) or for the risk-profile route. */
@Injectable()
export class RiskSignalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account's and merchant's profiles and the account's activity since `since`. */
  async read(
    manager: EntityManager,
    accountId: string,
    merchantId: string | null,
    since: string,
  ): Promise<{
    profile?: AccountProfileRow;
    signals: LearnedSignals;
  }> {
    // FraudAssessed data holds ids as text, in lower case.
    const [row]: SignalsRow[] = await manager.query(SIGNALS_SQL, [accountId, merchantId, since, accountId.toLowerCase()]);
    const profile = row.account ? { ...row.account, addressChangedAt: isoOrNull(row.account.addressChangedAt) } : undefined;
    const account: AccountRisk | undefined = profile && {
      status: profile.status,
      limit: profile.limit,
      currency: profile.currency,
      addressChangedAt: profile.addressChangedAt,
      recentAmounts: profile.recentAmounts,
    };
    const { recentCheckouts, recentAssessments } = row;
    return { profile, signals: { account, merchant: row.merchant ?? undefined, recentCheckouts, recentAssessments } };
  }

  /** The same, outside any transaction, for operators. */
  profile(accountId: string, since: string) {
    return this.read(this.dataSource.manager, accountId, null, since);
  }
}

// json_build_object prints timestamps with microseconds and an offset; answer plain ISO-8601.
const isoOrNull = (value: string | null): string | null => (value === null ? null : new Date(value).toISOString());
