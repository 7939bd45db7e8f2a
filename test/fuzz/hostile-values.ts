/** A small seeded generator (mulberry32): the same seed replays the same requests. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)];
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { nested: deep(depth - 1) });

/** Strings a careless service would store, compare, cast or print wrongly. */
export const hostileStrings = (random: Random): string[] => [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\u202e\u0007\u001b[31m',
  '😀',
  'x'.repeat(5_000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '__proto__',
  'constructor',
  '%00',
  'NaN',
  '1e20',
  '-1',
  '2020-02-30',
  '2009-W01-1',
  random.uuid(),
  random.uuid().toUpperCase(),
  'GB82 WEST 1234 5698 7654 32',
  'NWBKGB2L',
  'EUR',
  'DE',
  'ok',
];

/** Numbers beyond every column and type a service might use. */
export const hostileNumbers: number[] = [
  0,
  -1,
  -0,
  1.5,
  1e20,
  -1e20,
  9_007_199_254_740_992,
  1e308,
  2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER,
  3,
];

/** Any hostile JSON value: strings, numbers, wrong types, deep nesting, prototype keys. */
export function hostileValue(random: Random): unknown {
  switch (random.int(5)) {
    case 0:
    case 1:
      return random.pick(hostileStrings(random));
    case 2:
      return random.pick(hostileNumbers);
    case 3:
      return random.pick<unknown>([
        null,
        true,
        false,
        [],
        {},
        [1, 'a'],
        { a: 1 },
        deep(40),
        deep(5),
        JSON.parse('{"__proto__":{"polluted":1}}'),
      ]);
    default:
      return random.pick<unknown>([random.uuid(), 'x'.repeat(random.int(300)), random.int(1_000_000), `${random.int(100)}`]);
  }
}

/** Values for a path segment: ids of every shape, encoded hostile bytes, and sometimes a real id. */
export function hostilePathValue(random: Random, realIds: string[]): string {
  const raw = [
    'abc',
    '%00',
    '%ED%A0%80',
    '%F0%9F%98%80',
    'x'.repeat(2_000),
    '-1',
    '1e20',
    '99999999999999999999',
    '0',
    '1',
    '..%2F..',
    '__proto__',
    'constructor',
    "'%20OR%201=1",
    '%E2%80%AE',
    'NaN',
    'fraud.account-events',
    'ops.account-events',
    random.uuid(),
    random.uuid().toUpperCase(),
  ];
  if (realIds.length > 0 && random.chance(0.3)) return random.pick(realIds);
  return random.pick(raw);
}

/** Whole bodies no schema describes. */
export const hostileRawBodies: string[] = [
  'not json',
  '{',
  '[]',
  'null',
  '"text"',
  '123',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  `${'['.repeat(3_000)}${']'.repeat(3_000)}`,
  '{"a":"\\u0000"}',
  '{"a":"\\ud800"}',
  '{"a":1e999}',
  '\u0000',
  '{"a":1,"a":2}',
];
