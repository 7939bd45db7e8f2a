import { RiskPolicy } from './risk-policy';

/** What Fraud has learned about the buyer, as its risk rules need it. */
export interface AccountRisk {
  status: string;
  limit: number;
  currency: string;
  addressChangedAt: string | null;
  /** The account's latest purchases in its own currency, oldest first. */
  recentAmounts: number[];
}

/** Everything one assessment decides from: the request, the learned profiles, and recent activity. */
export interface RiskSignals {
  now: string;
  amount: number;
  currency: string;
  /** Undefined when Fraud has not learned of the account (yet). */
  account?: AccountRisk;
  /** Undefined when Fraud has not learned of the merchant (yet). */
  merchant?: { status: string };
  /** `CheckoutStarted` events of the account inside the velocity window (possibly including this checkout's). */
  recentCheckouts: number;
  /** Earlier assessments of the account inside the velocity window (never this one). */
  recentAssessments: number;
}

export type Decision = 'approve' | 'review' | 'reject';

/** Stable reason codes; Checkout and Ops rely on them. */
export const Reasons = {
  accountLocked: 'ACCOUNT_LOCKED',
  merchantSuspended: 'MERCHANT_SUSPENDED',
  velocity: 'VELOCITY',
  unusualAmount: 'UNUSUAL_AMOUNT',
  addressChangeLargeAmount: 'ADDRESS_CHANGE_LARGE_AMOUNT',
  noHistory: 'NO_HISTORY',
  unknownMerchant: 'UNKNOWN_MERCHANT',
} as const;

export type ReasonCode = (typeof Reasons)[keyof typeof Reasons];

const CONSEQUENCE: Record<ReasonCode, { decision: Decision; score: number }> = {
  ACCOUNT_LOCKED: { decision: 'reject', score: 100 },
  MERCHANT_SUSPENDED: { decision: 'reject', score: 100 },
  VELOCITY: { decision: 'review', score: 60 },
  UNUSUAL_AMOUNT: { decision: 'review', score: 50 },
  ADDRESS_CHANGE_LARGE_AMOUNT: { decision: 'review', score: 50 },
  // Fraud learns accounts and merchants through its queues, a moment after they are created, while
  // Checkout checks both synchronously at their source. Not knowing one yet is therefore no sign of
  // fraud, only of lag: it raises the score a little and is reported, but approves.
  NO_HISTORY: { decision: 'approve', score: 10 },
  UNKNOWN_MERCHANT: { decision: 'approve', score: 10 },
};

export interface RiskAssessment {
  decision: Decision;
  /** 0 (no risk seen) to 100. */
  score: number;
  reasons: ReasonCode[];
}

type Rule = (signals: RiskSignals, policy: RiskPolicy) => ReasonCode | undefined;

export const accountLocked: Rule = ({ account }) => (account?.status === 'locked' ? Reasons.accountLocked : undefined);

export const merchantSuspended: Rule = ({ merchant }) => (merchant?.status === 'suspended' ? Reasons.merchantSuspended : undefined);

/**
 * Checkouts of the account in the window, this one included. Every checkout is both assessed and
 * started, so the two counts describe the same checkouts and adding them would count each twice.
 * Assessments are known at once, so they catch a burst before any checkout event arrives (+1 for
 * this one); started checkouts cover any that were never assessed, and may already include this one.
 */
export const checkoutsInWindow = (signals: Pick<RiskSignals, 'recentAssessments' | 'recentCheckouts'>): number =>
  Math.max(signals.recentAssessments + 1, signals.recentCheckouts);

export const velocity: Rule = (signals, policy) =>
  checkoutsInWindow(signals) > policy.velocityMaxPerWindow ? Reasons.velocity : undefined;

/** The median, so that one earlier outlier does not make the next outlier look usual. */
export function median(amounts: readonly number[]): number {
  if (amounts.length === 0) return 0;
  const sorted = [...amounts].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const unusualAmount: Rule = ({ account, amount, currency }, policy) => {
  if (!account || account.currency !== currency || account.recentAmounts.length < policy.unusualAmountMinHistory) return undefined;
  const usual = median(account.recentAmounts);
  return usual > 0 && amount > usual * policy.unusualAmountFactor ? Reasons.unusualAmount : undefined;
};

export const addressChangeLargeAmount: Rule = ({ account, amount, currency, now }, policy) => {
  if (!account?.addressChangedAt || account.currency !== currency || amount <= 0) return undefined;
  const sinceChange = Date.parse(now) - Date.parse(account.addressChangedAt);
  const recent = sinceChange >= 0 && sinceChange <= policy.addressChangeWindowHours * 3_600_000;
  return recent && amount >= account.limit * policy.addressChangeLargeShare ? Reasons.addressChangeLargeAmount : undefined;
};

export const noHistory: Rule = ({ account }) => (account ? undefined : Reasons.noHistory);

export const unknownMerchant: Rule = ({ merchant }) => (merchant ? undefined : Reasons.unknownMerchant);

/** Every rule, in the order its reason is reported. */
export const RULES: readonly Rule[] = [
  accountLocked,
  merchantSuspended,
  velocity,
  unusualAmount,
  addressChangeLargeAmount,
  noHistory,
  unknownMerchant,
];

const SEVERITY: Record<Decision, number> = { approve: 0, review: 1, reject: 2 };

/** Applies every rule: the most severe consequence decides, the scores add up to at most 100. */
export function assessRisk(signals: RiskSignals, policy: RiskPolicy): RiskAssessment {
  const reasons = RULES.map((rule) => rule(signals, policy)).filter((reason): reason is ReasonCode => reason !== undefined);
  const decision = reasons.reduce<Decision>(
    (worst, reason) => (SEVERITY[CONSEQUENCE[reason].decision] > SEVERITY[worst] ? CONSEQUENCE[reason].decision : worst),
    'approve',
  );
  const score = Math.min(
    100,
    reasons.reduce((sum, reason) => sum + CONSEQUENCE[reason].score, 0),
  );
  return { decision, score, reasons };
}
