import { decimal, defineSettings, integer, readSettings } from '@app/config';
import { DEFAULT_RISK_POLICY, RiskPolicy } from './domain/risk-policy';

export const RISK_POLICY = Symbol('RiskPolicy');

// The velocity window stays one minute: the variable's name promises "per minute".
/** Fraud's rules, over DEFAULT_RISK_POLICY. */
export const riskPolicySettings = defineSettings('fraud risk policy', {
  FRAUD_VELOCITY_MAX_PER_MINUTE: integer('assessments of one account per minute before `review`', {
    default: DEFAULT_RISK_POLICY.velocityMaxPerWindow,
    min: 1,
  }),
  FRAUD_UNUSUAL_AMOUNT_FACTOR: decimal('an amount this many times the account’s usual one is unusual', {
    default: DEFAULT_RISK_POLICY.unusualAmountFactor,
    above: 1,
  }),
  FRAUD_UNUSUAL_AMOUNT_MIN_HISTORY: integer('purchases needed before an amount can be unusual', {
    default: DEFAULT_RISK_POLICY.unusualAmountMinHistory,
    min: 1,
  }),
  FRAUD_ADDRESS_CHANGE_WINDOW_HOURS: decimal('how long a changed address counts as recent (hours)', {
    default: DEFAULT_RISK_POLICY.addressChangeWindowHours,
    above: 0,
  }),
  FRAUD_ADDRESS_CHANGE_LARGE_SHARE: decimal('share of the limit that is large right after an address change', {
    default: DEFAULT_RISK_POLICY.addressChangeLargeShare,
    above: 0,
    max: 1,
  }),
});

/** The risk policy from `FRAUD_*` variables over the defaults; throws one readable message listing every bad variable. */
export function loadRiskPolicy(env: NodeJS.ProcessEnv = process.env): RiskPolicy {
  const v = readSettings(riskPolicySettings, env);
  return {
    ...DEFAULT_RISK_POLICY,
    velocityMaxPerWindow: v.FRAUD_VELOCITY_MAX_PER_MINUTE,
    unusualAmountFactor: v.FRAUD_UNUSUAL_AMOUNT_FACTOR,
    unusualAmountMinHistory: v.FRAUD_UNUSUAL_AMOUNT_MIN_HISTORY,
    addressChangeWindowHours: v.FRAUD_ADDRESS_CHANGE_WINDOW_HOURS,
    addressChangeLargeShare: v.FRAUD_ADDRESS_CHANGE_LARGE_SHARE,
  };
}
