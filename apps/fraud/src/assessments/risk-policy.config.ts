import { DEFAULT_RISK_POLICY, RiskPolicy } from './domain/risk-policy';

export const RISK_POLICY = Symbol('RiskPolicy');

interface Setting {
  variable: string;
  key: keyof RiskPolicy;
  valid: (value: number) => boolean;
  rule: string;
}

// The velocity window stays one minute: the variable's name promises "per minute".
const SETTINGS: readonly Setting[] = [
  {
    variable: 'FRAUD_VELOCITY_MAX_PER_MINUTE',
    key: 'velocityMaxPerWindow',
    valid: (v) => Number.isInteger(v) && v >= 1,
    rule: 'an integer of at least 1',
  },
  { variable: 'FRAUD_UNUSUAL_AMOUNT_FACTOR', key: 'unusualAmountFactor', valid: (v) => v > 1, rule: 'a number above 1' },
  {
    variable: 'FRAUD_UNUSUAL_AMOUNT_MIN_HISTORY',
    key: 'unusualAmountMinHistory',
    valid: (v) => Number.isInteger(v) && v >= 1,
    rule: 'an integer of at least 1',
  },
  { variable: 'FRAUD_ADDRESS_CHANGE_WINDOW_HOURS', key: 'addressChangeWindowHours', valid: (v) => v > 0, rule: 'a number above 0' },
  {
    variable: 'FRAUD_ADDRESS_CHANGE_LARGE_SHARE',
    key: 'addressChangeLargeShare',
    valid: (v) => v > 0 && v <= 1,
    rule: 'a number above 0 and at most 1',
  },
];

/** The risk policy from `FRAUD_*` variables over the defaults; throws one readable message listing every bad variable. */
export function loadRiskPolicy(env: NodeJS.ProcessEnv = process.env): RiskPolicy {
  const policy: RiskPolicy = { ...DEFAULT_RISK_POLICY };
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const raw = env[setting.variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || !setting.valid(value)) problems.push(`${setting.variable} must be ${setting.rule} (got "${raw}")`);
    else policy[setting.key] = value;
  }
  if (problems.length > 0) throw new Error(`Invalid fraud configuration: ${problems.join('; ')}`);
  return policy;
}
