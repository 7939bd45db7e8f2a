import { CheckoutListFilter } from '../merchant-view/merchant-checkouts.repository';

export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 20;
export const LIST_STATUSES = ['pending', 'completed', 'rejected'] as const;

/** `GET /checkouts`' query string as it arrives. */
export interface CheckoutListQuery {
  merchantId?: string;
  status?: string;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit?: string;
}

/** Why a list query was refused: a stable code and a sentence; the controller answers 400 with it. */
export class InvalidListQuery extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CURSOR_PREFIX = 'c1:';
// RFC 3339 date-time with an offset (or Z), as OpenAPI's date-time format says.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The cursor after `position`: opaque to the merchant, and versioned so that its content may change. */
export const cursorAfter = (position: string): string => Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The filter a list query asks for; throws InvalidListQuery on the first bad parameter. */
export function parseListQuery(query: CheckoutListQuery): CheckoutListFilter {
  const filter: CheckoutListFilter = { limit: limitOf(query.limit) };
  if (query.merchantId !== undefined) {
    if (!UUID.test(query.merchantId)) throw new InvalidListQuery('INVALID_MERCHANT_ID', 'merchantId must be a UUID');
    filter.merchantId = query.merchantId.toLowerCase();
  }
  if (query.status !== undefined) {
    if (!(LIST_STATUSES as readonly string[]).includes(query.status)) {
      throw new InvalidListQuery('INVALID_STATUS', `status must be one of ${LIST_STATUSES.join(', ')}`);
    }
    filter.status = query.status as CheckoutListFilter['status'];
  }
  if (query.createdFrom !== undefined) filter.createdFrom = dateOf('createdFrom', query.createdFrom);
  if (query.createdTo !== undefined) filter.createdTo = dateOf('createdTo', query.createdTo);
  if (filter.createdFrom && filter.createdTo && filter.createdFrom > filter.createdTo) {
    throw new InvalidListQuery('INVALID_DATE_RANGE', 'createdFrom must not be after createdTo');
  }
  if (query.cursor !== undefined) filter.before = positionOf(query.cursor);
  return filter;
}

function limitOf(limit: string | undefined): number {
  if (limit === undefined) return LIST_LIMIT_DEFAULT;
  const parsed = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
  if (!(parsed >= 1 && parsed <= LIST_LIMIT_MAX)) {
    throw new InvalidListQuery('INVALID_LIMIT', `limit must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
  }
  return parsed;
}

function dateOf(name: string, value: string): Date {
  const date = new Date(value);
  if (!DATE_TIME.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidListQuery('INVALID_DATE', `${name} must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z`);
  }
  return date;
}

function positionOf(cursor: string): bigint {
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^c1:(\d{1,18})$/.exec(decoded);
  if (!match) throw new InvalidListQuery('INVALID_CURSOR', 'cursor must be a nextCursor this API answered');
  return BigInt(match[1]);
}
