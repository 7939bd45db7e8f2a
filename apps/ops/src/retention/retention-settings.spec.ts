import { DEFAULT_RETENTION, retentionFromEnv } from './retention-settings';

describe('retention settings', () => {
  it('defaults to 30 days for dead letters, a year for the audit, an hourly purge', () => {
    expect(retentionFromEnv({})).toEqual({ deadLetterDays: 30, operatorActionDays: 365, intervalMs: 3_600_000 });
    expect(retentionFromEnv({ DEAD_LETTER_RETENTION_DAYS: '' })).toEqual(DEFAULT_RETENTION);
  });

  it('sets the two retentions apart', () => {
    expect(retentionFromEnv({ DEAD_LETTER_RETENTION_DAYS: '7', OPERATOR_ACTION_RETENTION_DAYS: '730' })).toMatchObject({
      deadLetterDays: 7,
      operatorActionDays: 730,
    });
  });

  it('refuses a value that is not a positive whole number, naming the setting', () => {
    expect(() => retentionFromEnv({ DEAD_LETTER_RETENTION_DAYS: '0' })).toThrow(
      'DEAD_LETTER_RETENTION_DAYS must be an integer of at least 1 (got "0")',
    );
    expect(() => retentionFromEnv({ OPERATOR_ACTION_RETENTION_DAYS: '1.5' })).toThrow('OPERATOR_ACTION_RETENTION_DAYS');
    expect(() => retentionFromEnv({ RETENTION_INTERVAL_MS: 'hourly' })).toThrow('RETENTION_INTERVAL_MS');
  });
});
