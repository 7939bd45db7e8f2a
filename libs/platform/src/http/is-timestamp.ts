import { ValidationOptions, registerDecorator } from 'class-validator';

// A calendar date, optionally with a time and an offset: the ISO 8601 subset PostgreSQL's
// timestamptz reads. Week dates (2009-W01-1) and ordinal dates are ISO 8601 too, but not this.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/;

/** The shape alone, for OpenAPI schemas; `isTimestamp` also rejects days and hours that do not exist. */
export const TIMESTAMP_PATTERN = TIMESTAMP.source;

/** Whether `value` is a real instant PostgreSQL accepts: no 30 February, no hour 25, no week date. */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return realDay && year >= 1 && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 15 && offsetMinutes <= 59;
}

/** class-validator decorator for `isTimestamp`. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z`, ...options },
      validator: { validate: isTimestamp },
    });
}
