export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Makes an AMQP header value storable as JSON: buffers become text, dates ISO strings, bigints
 * decimal strings; `undefined` and functions are dropped.
 */
export function toJson(value: unknown): Json | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (typeof value === 'object') return toJsonObject(value as Record<string, unknown>);
  return undefined;
}

/** `toJson` for a table of values, dropping the entries that have no JSON form. */
export function toJsonObject(table: Record<string, unknown> | undefined): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(table ?? {})) {
    const json = toJson(value);
    if (json !== undefined) result[key] = json;
  }
  return result;
}
