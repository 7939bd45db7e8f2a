/** Where a page of failed deliveries ends: the last one shown, by when it failed and its id. */
export interface FailedDeliveryPosition {
  /** ISO 8601 in UTC with up to six fraction digits. */
  failedAt: string;
  id: string;
}

const PREFIX = 'f1:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// UTC to the microsecond, as PostgreSQL keeps it: a millisecond would skip or repeat rows at a page's edge.
const FAILED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** The opaque cursor after `position`; versioned so that its content may change without breaking callers. */
export const failedDeliveryCursor = (position: FailedDeliveryPosition): string =>
  Buffer.from(`${PREFIX}${position.failedAt}|${position.id}`).toString('base64url');

/** The position a cursor stands for, or undefined when it is not one this API handed out. */
export function failedDeliveryPosition(cursor: string): FailedDeliveryPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const [failedAt, id, ...rest] = text.slice(PREFIX.length).split('|');
  if (rest.length > 0 || !UUID.test(id ?? '') || !FAILED_AT.test(failedAt) || Number.isNaN(Date.parse(failedAt))) return undefined;
  return { failedAt, id: id.toLowerCase() };
}
