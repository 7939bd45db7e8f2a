/** The thresholds the risk rules apply; set per deployment through the environment (risk-policy.config.ts). */
export interface RiskPolicy {
  /** More checkouts than this for one account inside the velocity window → review. */
  velocityMaxPerWindow: number;
  velocityWindowSeconds: number;
  /** An amount above this many times the account's usual purchase → review. */
  unusualAmountFactor: number;
  /** Purchases an account needs before its "usual" amount means anything. */
  unusualAmountMinHistory: number;
  /** How long after an address change a large amount is suspicious. */
  addressChangeWindowHours: number;
  /** "Large" after an address change: at least this share of the account's credit limit. */
  addressChangeLargeShare: number;
}

export const DEFAULT_RISK_POLICY: RiskPolicy = {
  velocityMaxPerWindow: 5,
  velocityWindowSeconds: 60,
  unusualAmountFactor: 10,
  unusualAmountMinHistory: 3,
  addressChangeWindowHours: 24,
  addressChangeLargeShare: 0.5,
};
