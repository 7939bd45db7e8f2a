import { defineSettings, integer, readSettings } from '@app/config';

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

/** Ops: how long resolved dead letters and the operator audit are kept, and how often the purge runs. */
export const retentionSettings = defineSettings('retention', {
  DEAD_LETTER_RETENTION_DAYS: integer(
    'replayed, archived and superseded dead letters last changed longer ago are purged; a `dead` one never is (days)',
    {
      default: DEFAULT_RETENTION.deadLetterDays,
      min: 1,
    },
  ),
  OPERATOR_ACTION_RETENTION_DAYS: integer('operator actions (the audit) older than this are purged, separately from dead letters (days)', {
    default: DEFAULT_RETENTION.operatorActionDays,
    min: 1,
  }),
  RETENTION_INTERVAL_MS: integer('how often the retention purge runs (also once at start); counted in `ops_retention_purged_total` (ms)', {
    default: DEFAULT_RETENTION.intervalMs,
    min: 1,
  }),
});

/** DEAD_LETTER_RETENTION_DAYS, OPERATOR_ACTION_RETENTION_DAYS and RETENTION_INTERVAL_MS, else the defaults; a bad value is refused at start. */
export function retentionFromEnv(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  const values = readSettings(retentionSettings, env);
  return {
    deadLetterDays: values.DEAD_LETTER_RETENTION_DAYS,
    operatorActionDays: values.OPERATOR_ACTION_RETENTION_DAYS,
    intervalMs: values.RETENTION_INTERVAL_MS,
  };
}
