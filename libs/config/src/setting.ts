/**
 * One environment variable, declared once: how its text becomes a value, its default, its bounds,
 * whether it is a secret (never echoed in an error or a log), and the sentence that documents it.
 */
export interface Setting<T> {
  /** The kind shown in docs/configuration.md: integer, number, boolean, text, URL, one of … */
  readonly kind: string;
  /** What a valid value is, as the error names it: `must be <rule>`. */
  readonly rule: string;
  /** The value when unset or empty; `undefined` leaves it unset. */
  readonly fallback: T | undefined;
  /** The default as docs/configuration.md shows it, when it is not the fallback itself (e.g. "written by npm run provision"). */
  readonly shownDefault?: string;
  readonly secret: boolean;
  /** Whether an unset value stops the service at start. */
  readonly required: boolean;
  readonly description: string;
  /** The value of `raw` (already trimmed, never empty), or undefined when it breaks the rule. */
  parse(raw: string): T | undefined;
}

/** A setting's value type: `T` when it has a default or is required, else possibly unset. */
export type ValueOf<T, O> = O extends { default: T } | { required: true } ? T : T | undefined;

interface Common<T> {
  default?: T;
  shownDefault?: string;
  secret?: boolean;
  required?: boolean;
}

const between = (min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined
    ? ` between ${min} and ${max}`
    : min !== undefined
      ? ` of at least ${min}`
      : max !== undefined
        ? ` of at most ${max}`
        : '';

// Typed loosely inside: each builder states the value type its options give.
const build = <R>(
  kind: string,
  rule: string,
  description: string,
  options: Common<unknown>,
  parse: (raw: string) => unknown,
): Setting<R> => ({
  kind,
  rule,
  fallback: options.default as R | undefined,
  shownDefault: options.shownDefault,
  secret: options.secret ?? false,
  required: options.required ?? false,
  description,
  parse: parse as (raw: string) => R | undefined,
});

/** A whole number within `min`..`max` (inclusive). */
export function integer<O extends Common<number> & { min?: number; max?: number }>(
  description: string,
  options: O = {} as O,
): Setting<ValueOf<number, O>> {
  const { min, max } = options;
  return build('integer', `an integer${between(min, max)}`, description, options, (raw) => {
    const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max) ? value : undefined;
  });
}

/** A decimal number; `above` is an exclusive lower bound, `min` and `max` inclusive ones. */
export function decimal<O extends Common<number> & { above?: number; min?: number; max?: number }>(
  description: string,
  options: O = {} as O,
): Setting<ValueOf<number, O>> {
  const { above, min, max } = options;
  const lower = above !== undefined ? ` above ${above}` : min !== undefined ? ` of at least ${min}` : '';
  const bounds = `${lower}${max === undefined ? '' : `${lower ? ' and' : ''} at most ${max}`}`;
  return build('number', `a number${bounds}`, description, options, (raw) => {
    const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    const aboveLower = (above === undefined || value > above) && (min === undefined || value >= min);
    return Number.isFinite(value) && aboveLower && (max === undefined || value <= max) ? value : undefined;
  });
}

/** `true` or `false` (any case). */
export function flag<O extends Common<boolean>>(description: string, options: O = {} as O): Setting<ValueOf<boolean, O>> {
  return build('boolean', 'true or false', description, options, (raw) => ({ true: true, false: false })[raw.toLowerCase()]);
}

/** One of `values` (any case; the value is lower-cased). */
export function oneOf<const V extends string, O extends Common<V> = Common<V>>(
  values: readonly V[],
  description: string,
  options: O = {} as O,
): Setting<ValueOf<V, O>> {
  return build(`one of ${values.join(', ')}`, `one of ${values.join(', ')}`, description, options, (raw) =>
    values.find((value) => value === raw.toLowerCase()),
  );
}

/** Free text, optionally matching `pattern` (whose rule the error states). */
export function text<O extends Common<string> & { pattern?: RegExp; rule?: string }>(
  description: string,
  options: O = {} as O,
): Setting<ValueOf<string, O>> {
  return build('text', options.rule ?? 'not empty', description, options, (raw) =>
    !options.pattern || options.pattern.test(raw) ? raw : undefined,
  );
}

/** A URL with one of `protocols`; `list` accepts a comma-separated list of them (a cluster's nodes). */
export function url<O extends Common<string> & { protocols: readonly string[]; list?: boolean }>(
  description: string,
  options: O,
): Setting<ValueOf<string, O>> {
  const names = options.protocols.map((protocol) => `${protocol}://`).join(' or ');
  const one = (part: string) => {
    try {
      return options.protocols.includes(new URL(part.trim()).protocol.slice(0, -1));
    } catch {
      return false;
    }
  };
  return build(
    options.list ? 'URL list' : 'URL',
    options.list ? `a comma-separated list of ${names} URLs` : `a ${names} URL`,
    description,
    options,
    (raw) => ((options.list ? raw.split(',') : [raw]).every(one) ? raw : undefined),
  );
}

/** A JSON document (a key, a key set); `check` says whether its shape is the expected one. */
export function json<O extends Common<string> & { check?: (value: unknown) => boolean }>(
  description: string,
  options: O = {} as O,
): Setting<ValueOf<string, O>> {
  return build('JSON', 'a JSON document of the expected shape', description, options, (raw) => {
    try {
      return (options.check ?? (() => true))(JSON.parse(raw)) ? raw : undefined;
    } catch {
      return undefined;
    }
  });
}
