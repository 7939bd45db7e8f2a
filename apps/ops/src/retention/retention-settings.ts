/** How long Ops keeps what is finished with: resolved dead letters, and the audit of operator actions. */
export interface RetentionSettings {
  /** Replayed, archived and superseded dead letters, counted from their last change. Never a `dead` one. */
  deadLetterDays: number;
  /** Operator actions (the audit log), counted from when they were taken. */
  operatorActionDays: number;
  /** How often the purge runs. */
  intervalMs: number;
}

/** Dead letters like ServicePulse's error retention; the audit kept a year, for reviews that look back that far. */
export const DEFAULT_RETENTION: RetentionSettings = { deadLetterDays: 30, operatorActionDays: 365, intervalMs: 3_600_000 };

const positive = (env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number of ${unit}, got "${raw}"`);
  return value;
};

/** DEAD_LETTER_RETENTION_DAYS, OPERATOR_ACTION_RETENTION_DAYS and RETENTION_INTERVAL_MS, else the defaults; a bad value is refused at start. */
export function retentionFromEnv(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  return {
    deadLetterDays: positive(env, 'DEAD_LETTER_RETENTION_DAYS', DEFAULT_RETENTION.deadLetterDays, 'days'),
    operatorActionDays: positive(env, 'OPERATOR_ACTION_RETENTION_DAYS', DEFAULT_RETENTION.operatorActionDays, 'days'),
    intervalMs: positive(env, 'RETENTION_INTERVAL_MS', DEFAULT_RETENTION.intervalMs, 'milliseconds'),
  };
}
